-- Audited POST: one quota hold (the tenant admin's direct reservation) per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"amounts":{"vcpu":1},"reason":"bench","ref":"bench"}'
