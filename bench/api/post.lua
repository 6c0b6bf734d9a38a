-- Audited POST: one quota reservation per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"amounts":{"vcpu":1},"ref":"bench"}'
