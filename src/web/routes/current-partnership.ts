/**
 * @module web/routes/current-partnership
 * The partnership this server presents, as stored now. Start-up loads it before the server listens, so its absence
 * is a fault of ours (500), never the caller's.
 */
import { storedPartnership, type Partnership } from '../../partnership/index.js';
import type { AppContext } from '../server.js';

export async function currentPartnership(ctx: AppContext): Promise<Partnership> {
  return storedPartnership(ctx.db, ctx.partnershipId);
}
