-- wrk: POST a JSON body from the BODY environment variable (sign-in).
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["content-type"] = "application/json"
