/**
 * The promotions domain: a release promoted from `promoteFrom` to the next environment as team
 * state, with approvals (signed where required), what ships, and release notes.
 */
export {
  PromotionsService,
  type PromoteDeploy,
  type PromoteOutcome,
  type PromoteSync,
  type PromotionsOptions
} from './promotions-service'
export { approvalPayload } from './promotion-fold'
export { APPROVAL_NAMESPACE } from './ssh-signature'
export { checkApprovalEntries, type ApprovalEntryOptions } from './approval-entries'
