-- A password-guessing loop: wrong passwords for one name, as fast as the server answers.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"nobody-guess","password":"Wrong#Guess2026"}'
