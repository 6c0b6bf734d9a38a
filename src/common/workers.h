// A few threads that run queued work: the engine half of operations (decision 0010), so an
// API call answers 202 at once and the driver call runs outside any request and transaction.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace govcloud {

class Workers {
 public:
  explicit Workers(int threads);
  ~Workers();  // finishes what is queued, then joins
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void submit(std::function<void()> fn);
  // Blocks until nothing is queued or running (tests and shutdown; not a clock wait).
  void wait_idle();

 private:
  void loop();

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;
  int busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace govcloud
