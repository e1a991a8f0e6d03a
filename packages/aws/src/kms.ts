/** A key id (a multi-Region key's `mrk-...` or a UUID) or an alias: each region resolves it itself. */
const KMS_KEY =
  /^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|alias\/[\w/-]{1,250})$/;
/** A key or alias ARN: it names one region. */
const KMS_ARN =
  /^arn:aws[\w-]*:kms:([a-z0-9-]+):\d{12}:(?:key\/(?:mrk-[0-9a-f]{32}|[0-9a-f-]{36})|alias\/[\w/-]{1,250})$/;

/**
 * A KMS key as EC2 takes it for an encrypted copy: `{ region }` for an ARN, which works only
 * in its region; `{}` for an id or alias; undefined when it is not a KMS key at all. The
 * actions check their `kms-key-id` input with it before anything changes in AWS.
 */
export function kmsKey(key: string): { region?: string } | undefined {
  const arn = KMS_ARN.exec(key);
  if (arn) return { region: arn[1] as string };
  return KMS_KEY.test(key) ? {} : undefined;
}
