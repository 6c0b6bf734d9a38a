-- Service request (一点申请): schema check, quota reservation, approval chain, notification,
-- audit record, all in one transaction per request. The body is set by the run script.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_REQUEST_BODY")
