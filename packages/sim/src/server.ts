import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as realDelay } from "node:timers/promises";
import type { Service } from "./faults.ts";
import { AwsError } from "./protocol/errors.ts";
import { QueryParams } from "./protocol/query.ts";
import { toXml } from "./protocol/xml.ts";
import { isAwsRegion } from "./regions.ts";
import { autoScalingService } from "./services/autoscaling/index.ts";
import { ec2Service } from "./services/ec2/index.ts";
import { githubOperation, handleGithub } from "./services/github/index.ts";
import { ssmService } from "./services/ssm/index.ts";
import type { JsonService, QueryService, RequestContext } from "./services/types.ts";
import type { World } from "./world.ts";

/** The one HTTP endpoint: AWS services at `/`, GitHub's REST API under `/github`. */
export interface SimServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const QUERY_SERVICES: Record<string, QueryService> = { ec2: ec2Service, autoscaling: autoScalingService };
const JSON_SERVICES: Record<string, JsonService> = { [ssmService.targetPrefix]: ssmService };

export async function startServer(world: World, options: { port?: number; host?: string } = {}): Promise<SimServer> {
  const server = createServer((req, res) => {
    handle(world, req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`simulator failure: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
  // SDK clients keep connections alive; closing must not wait for them.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function handle(world: World, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/github" || url.pathname.startsWith("/github/")) return github(world, req, url, body, res);

  const { region, service } = credentialScope(req.headers.authorization);
  // AWS has no endpoint for a region that does not exist (<service>.<region>.amazonaws.com does
  // not resolve), so no answer comes: the connection is dropped unanswered and unrecorded.
  if (!isAwsRegion(region)) return void req.socket.destroy();
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return json(world, region, target, body, res);
  const params = QueryParams.parse(body);
  return query(world, region, queryServiceName(service, params), params, res);
}

/** Region and service from the SigV4 credential scope: `Credential=AKID/20261126/eu-west-1/ec2/aws4_request`. */
function credentialScope(authorization: string | undefined): { region: string; service: string } {
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? "");
  return { region: match?.[1] ?? "us-east-1", service: match?.[2] ?? "" };
}

/** The signing name decides; unsigned requests (curl) are told apart by their API Version. */
function queryServiceName(signingName: string, params: QueryParams): "ec2" | "autoscaling" {
  if (signingName === "ec2" || signingName === "autoscaling") return signingName;
  return params.str("Version") === "2011-01-01" ? "autoscaling" : "ec2";
}

/**
 * Faults first (throttling, 5xx, latency, as configured), then the operation itself,
 * every call recorded. Shared by both protocols so both behave the same.
 */
async function invoke<T>(
  world: World,
  service: Service,
  operation: string,
  regionName: string,
  run: (ctx: RequestContext) => T,
): Promise<T> {
  const now = world.now();
  const fault = world.faults.decide(service, operation);
  if (fault.latencyMs > 0) await realDelay(fault.latencyMs);
  const record = { operation: `${service}:${operation}`, region: regionName, at: now };
  try {
    if (fault.error) throw fault.error;
    // Read when a handler asks: GitHub's calls ("global") have no AWS region to make.
    const ctx: RequestContext = {
      world,
      get region() {
        return world.region(regionName);
      },
      now: world.now(),
      operation,
    };
    const result = run(ctx);
    world.calls.record(record);
    return result;
  } catch (error) {
    world.calls.record({ ...record, error: error instanceof AwsError ? error.code : "InternalError" });
    throw error;
  }
}

async function query(
  world: World,
  regionName: string,
  serviceName: "ec2" | "autoscaling",
  params: QueryParams,
  res: ServerResponse,
): Promise<void> {
  const service = QUERY_SERVICES[serviceName] as QueryService;
  const operation = params.str("Action") ?? "";
  const requestId = randomUUID();
  const xml = (status: number, text: string) => {
    res.writeHead(status, { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`);
  };
  const item = service.protocol === "ec2" ? "item" : "member";
  try {
    const handler = service.operations[operation];
    const result = await invoke(world, serviceName, operation, regionName, (ctx) => {
      if (!handler) throw new AwsError("InvalidAction", `The action ${operation} is not valid for this web service.`);
      return handler(params, ctx);
    });
    const inner = toXml(result, item);
    if (service.protocol === "ec2") {
      xml(
        200,
        `<${operation}Response xmlns="${service.xmlns}"><requestId>${requestId}</requestId>${inner}</${operation}Response>`,
      );
    } else {
      xml(
        200,
        `<${operation}Response xmlns="${service.xmlns}"><${operation}Result>${inner}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
      );
    }
  } catch (error) {
    const e = asAwsError(error);
    const fields = toXml({ Code: e.code, Message: e.message }, item);
    if (service.protocol === "ec2") {
      xml(
        e.status,
        `<Response><Errors><Error>${fields}</Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      );
    } else {
      xml(
        e.status,
        `<ErrorResponse xmlns="${service.xmlns}"><Error><Type>${e.type}</Type>${fields}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
  }
}

async function json(
  world: World,
  regionName: string,
  target: string,
  body: string,
  res: ServerResponse,
): Promise<void> {
  const [prefix = "", operation = ""] = target.split(".");
  const service = JSON_SERVICES[prefix];
  const requestId = randomUUID();
  const send = (status: number, payload: unknown) => {
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId });
    res.end(JSON.stringify(payload ?? {}));
  };
  try {
    const result = await invoke(world, "ssm", operation, regionName, (ctx) => {
      const handler = service?.operations[operation];
      if (!handler) throw new AwsError("UnknownOperationException", `Unknown operation ${target}`);
      let input: unknown;
      try {
        input = body ? JSON.parse(body) : {};
      } catch {
        throw new AwsError("SerializationException", "Request body is not valid JSON");
      }
      return handler(input, ctx);
    });
    send(200, result);
  } catch (error) {
    const e = asAwsError(error);
    send(e.status, { __type: e.code, message: e.message });
  }
}

async function github(world: World, req: IncomingMessage, url: URL, body: string, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const path = url.pathname.slice("/github".length) || "/";
  const operation = githubOperation(method, path);
  let parsed: unknown;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "Problems parsing JSON" }));
    return;
  }
  try {
    const response = await invoke(world, "github", operation, "global", (ctx) =>
      handleGithub({
        method,
        path,
        query: url.searchParams,
        body: parsed,
        world,
        now: ctx.now,
        baseUrl: `http://${req.headers.host ?? "127.0.0.1"}/github`,
      }),
    );
    res.writeHead(response.status, { "content-type": "application/json; charset=utf-8", ...response.headers });
    res.end(response.body === undefined ? "" : JSON.stringify(response.body));
  } catch (error) {
    const e = asAwsError(error);
    res.writeHead(e.status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ message: e.message }));
  }
}

function asAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  return new AwsError("InternalError", error instanceof Error ? error.message : String(error), 500);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
