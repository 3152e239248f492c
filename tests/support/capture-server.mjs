// A local stand-in for the mail providers: records every request and answers as told by the
// first path segment of the base URL the worker is given:
//   /ok, /elsewhere  202 with a provider-like id    /401  wrong key
//   /422-domain  sender not verified               /422-recipient  recipient rejected
//   /429       rate limited                          /500  provider down
//   /hang      never answers (the worker must time out)
import { createServer } from "node:http";

export async function startCaptureServer() {
  const requests = [];
  const hanging = new Set();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const url = new URL(req.url, "http://capture");
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {}
      requests.push({ method: req.method, path: url.pathname, headers: req.headers, body: json });
      const mode = url.pathname.split("/")[1];
      const answer = (status, payload) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      switch (mode) {
        case "ok":
        case "elsewhere":
          return answer(200, { id: "msg_123", MessageID: "pm-123" });
        case "401": return answer(401, { name: "validation_error", message: "API key is invalid", ErrorCode: 10, Message: "Bad or missing Server API token." });
        case "422-domain": return answer(422, { message: "The example.com domain is not verified. Please, add and verify your domain.", ErrorCode: 400, Message: "The 'From' address you supplied is not a Sender Signature on your account." });
        case "422-recipient": return answer(422, { message: "Invalid `to` field. The email address needs to follow the `email@example.com` format.", ErrorCode: 300, Message: "Invalid 'To' address" });
        case "429": return answer(429, { message: "Too many requests" });
        case "500": return answer(500, { message: "Internal server error" });
        case "hang": hanging.add(res); return;
        default: return answer(404, { message: "unknown capture mode" });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    base: (mode) => `http://127.0.0.1:${port}/${mode}`,
    requests,
    clear() {
      requests.length = 0;
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
