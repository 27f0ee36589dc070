/**
 * @module governance/challenge
 * A member's challenge to a routing, and its resolution, as they are sent: the reason for the challenge; the outcome
 * (dismissed, or upheld), the reason for it and, when upheld, what changes the routing — claimed tests found not met,
 * or the matter found reserved to the partners. Shapes only (pure); `workflow.ts` checks them against the proposal.
 */
import { z } from 'zod';
import { Id } from '../partnership/index.js';
import { requiredText } from './proposal.js';

export const REASON_MAX = 5000;

export const ChallengeInput = z
  .object({
    reason: requiredText('Enter why the routing is wrong', REASON_MAX),
  })
  .strict();
export type ChallengeInput = z.input<typeof ChallengeInput>;

/** Why the proposer withdraws a submitted proposal: published with it. */
export const WithdrawalInput = z
  .object({
    reason: requiredText('Enter why the proposal is withdrawn (it is published with it)', REASON_MAX),
  })
  .strict();

export const OUTCOMES = ['dismissed', 'upheld'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ResolutionInput = z
  .object({
    outcome: z.enum(OUTCOMES, {
      error: 'Choose whether the challenge is upheld (the routing changes) or dismissed (it stands)',
    }),
    reason: requiredText('Enter the reason for the decision', REASON_MAX),
    /** Upheld only: claimed tests found not met; the rule is applied again without them. */
    testsNotMet: z.array(Id, { error: 'must be a list of test ids' }).default([]),
    /** Upheld only: the matter is reserved to the partners, so their own boards decide. */
    reservedToPartners: z.boolean({ error: 'must be true or false' }).default(false),
  })
  .strict()
  .superRefine((resolution, ctx) => {
    if (resolution.outcome !== 'dismissed') return;
    if (resolution.testsNotMet.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['testsNotMet'],
        message: 'a dismissed challenge changes nothing: leave testsNotMet out, or uphold the challenge',
      });
    }
    if (resolution.reservedToPartners) {
      ctx.addIssue({
        code: 'custom',
        path: ['reservedToPartners'],
        message:
          'a dismissed challenge changes nothing: leave reservedToPartners out, or uphold the challenge',
      });
    }
  });
export type ResolutionInput = z.input<typeof ResolutionInput>;
