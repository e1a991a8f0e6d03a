import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as realDelay } from "node:timers/promises";
import { type CallRecord, requestParams } from "./calls.ts";
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
  // Action and Version name the operation, recorded as such; the rest are its parameters.
  const { Action: _action, Version: _version, ...fields } = Object.fromEntries(new URLSearchParams(body));
  return query(world, region, queryServiceName(service, params), params, fields, res);
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

/** One call as `invoke` sees it: what is called, where, with which parameters, answered on which response. */
interface Call {
  service: Service;
  operation: string;
  region: string;
  /** The request's parameters as sent (redacted before they are logged). */
  params: Record<string, unknown> | undefined;
  res: ServerResponse;
}

/**
 * Thrown once `invoke` has destroyed the connection (a `drop-after` fault): the protocol
 * handlers write nothing more, there is no one to answer.
 */
class ConnectionDropped extends Error {}

/**
 * Faults first (throttling, 5xx, latency, as configured), then the operation itself, then
 * the faults that act after it (its answer replaced by a 5xx, lost with the connection, or
 * late), every call recorded. Shared by both protocols and GitHub so all behave the same.
 */
async function invoke<T>(world: World, call: Call, run: (ctx: RequestContext) => T): Promise<T> {
  const { service, operation } = call;
  const now = world.now();
  const fault = world.faults.decide(service, operation);
  if (fault.latencyMs > 0) await realDelay(fault.latencyMs);
  const params = requestParams(service, operation, call.params);
  const record: CallRecord = {
    operation: `${service}:${operation}`,
    region: call.region,
    at: now,
    ...(params && { params }),
    ...(fault.before && { fault: fault.before }),
  };
  if (fault.error) {
    world.calls.record({ ...record, error: fault.error.code });
    throw fault.error;
  }
  let outcome: { ok: true; result: T } | { ok: false; error: unknown };
  try {
    // The region is read when a handler asks: GitHub's calls ("global") have no AWS region to make.
    const ctx: RequestContext = {
      world,
      get region() {
        return world.region(call.region);
      },
      now: world.now(),
      operation,
    };
    outcome = { ok: true, result: run(ctx) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const own = outcome.ok ? {} : { error: outcome.error instanceof AwsError ? outcome.error.code : "InternalError" };
  const after = fault.after;
  if (after?.kind === "error-after") {
    // Whatever the operation answered, the caller gets the server error: the work is done.
    world.calls.record({ ...record, error: after.error.code, fault: after.kind });
    throw after.error;
  }
  world.calls.record({ ...record, ...own, ...(after && { fault: after.kind }) });
  if (after?.kind === "drop-after") {
    // No answer at all, not even an error: the client's socket is reset mid-request.
    call.res.socket?.destroy();
    throw new ConnectionDropped("connection dropped by a drop-after fault");
  }
  if (after?.kind === "late-after") await realDelay(after.latencyMs);
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}

/** A request body's JSON, or what was wrong with it. */
function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: body ? JSON.parse(body) : undefined };
  } catch {
    return { ok: false };
  }
}

/** Parameters worth logging: a JSON object's members (a body of another shape is not a request's parameters). */
function asParams(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

async function query(
  world: World,
  regionName: string,
  serviceName: "ec2" | "autoscaling",
  params: QueryParams,
  fields: Record<string, string>,
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
    const call = { service: serviceName, operation, region: regionName, params: fields, res };
    const result = await invoke(world, call, (ctx) => {
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
    if (error instanceof ConnectionDropped) return;
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
  const input = parseJson(body);
  const params = input.ok ? asParams(input.value) : undefined;
  try {
    const result = await invoke(world, { service: "ssm", operation, region: regionName, params, res }, (ctx) => {
      const handler = service?.operations[operation];
      if (!handler) throw new AwsError("UnknownOperationException", `Unknown operation ${target}`);
      if (!input.ok) throw new AwsError("SerializationException", "Request body is not valid JSON");
      return handler(input.value ?? {}, ctx);
    });
    send(200, result);
  } catch (error) {
    if (error instanceof ConnectionDropped) return;
    const e = asAwsError(error);
    send(e.status, { __type: e.code, message: e.message });
  }
}

async function github(world: World, req: IncomingMessage, url: URL, body: string, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const path = url.pathname.slice("/github".length) || "/";
  const operation = githubOperation(method, path);
  const parsed = parseJson(body);
  if (!parsed.ok) {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "Problems parsing JSON" }));
    return;
  }
  // Only the body is logged: the token is in the Authorization header, which is not.
  const call = { service: "github" as const, operation, region: "global", params: asParams(parsed.value), res };
  try {
    const response = await invoke(world, call, (ctx) =>
      handleGithub({
        method,
        path,
        query: url.searchParams,
        body: parsed.value,
        world,
        now: ctx.now,
        baseUrl: `http://${req.headers.host ?? "127.0.0.1"}/github`,
      }),
    );
    res.writeHead(response.status, { "content-type": "application/json; charset=utf-8", ...response.headers });
    res.end(response.body === undefined ? "" : JSON.stringify(response.body));
  } catch (error) {
    if (error instanceof ConnectionDropped) return;
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
