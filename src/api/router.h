// Dispatches HTTP requests through the route table: match, authenticate, authorise, decode,
// call, map errors, audit failed mutations, count, log.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/route.h"
#include "api/services.h"

namespace govcloud {

class Router {
 public:
  explicit Router(Services& services);
  ~Router();

  HttpResponse handle(HttpRequest& req);
  const std::vector<Route>& routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The OpenAPI 3 document for a route table.
std::string build_openapi(const std::vector<Route>& routes);

}  // namespace govcloud
