/**
 * An error as an AWS service returns it. Each protocol wraps it in its own envelope
 * (EC2's `<Response><Errors>`, Query's `<ErrorResponse>`, JSON's `__type`), and the
 * SDK turns the code into the exception name the caller sees.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Query protocol only: "Sender" for the caller's fault, "Receiver" for the service's. */
  readonly type: "Sender" | "Receiver";

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = "AwsError";
    this.code = code;
    this.status = status;
    this.type = status >= 500 ? "Receiver" : "Sender";
  }
}
