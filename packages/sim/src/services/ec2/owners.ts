import { AwsError } from "../../protocol/errors.ts";
import type { World } from "../../world.ts";

/** Amazon's own account, which owns the base images; `amazon` is its alias in Owner lists. */
export const AMAZON_OWNER_ID = "137112412989";
export const AMAZON_ALIAS = "amazon";

const ACCOUNT_ID = /^\d{12}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/**
 * The account ids an `Owner.N` list names: account ids, `self` (the caller) and `amazon`.
 * Marketplace owners exist in AWS but own nothing here.
 */
export function ownerIds(world: World, owners: readonly string[]): string[] {
  return owners.map((owner) => {
    if (owner === "self") return world.accountId;
    if (owner === AMAZON_ALIAS) return AMAZON_OWNER_ID;
    if (owner === "aws-marketplace" || owner === "aws-backup-vault" || isAccountId(owner)) return owner;
    throw new AwsError("InvalidUserID.Malformed", `Invalid user id: "${owner}"`);
  });
}
