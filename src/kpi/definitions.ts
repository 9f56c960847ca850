/**
 * Every registered KPI, one line each: `export { <name>Kpi } from './<kpi-id>.ts';`
 * (the export must be a {@link KpiDefinition}). registry.ts collects whatever is exported here.
 */
export { staleAccountDeletionRateKpi } from './stale-account-deletion-rate.ts';
export { trainingCompletionRateKpi } from './training-completion-rate.ts';
export { phishingClickRateKpi } from './phishing-click-rate.ts';
export { phishingReportRateKpi } from './phishing-report-rate.ts';
export { mfaCoverageKpi } from './mfa-coverage.ts';
export { passwordAgeComplianceKpi } from './password-age-compliance.ts';
export { incidentReportSlaRateKpi } from './incident-report-sla-rate.ts';
export { leaverActivityCountKpi } from './leaver-activity-count.ts';
export { encryptionMissRateKpi } from './encryption-miss-rate.ts';
export { vulnerabilityRemediationSlaRateKpi } from './vulnerability-remediation-sla-rate.ts';
export { openVulnerabilityCountKpi } from './open-vulnerability-count.ts';
export { scanCoverageRateKpi } from './scan-coverage-rate.ts';
export { incidentCountKpi } from './incident-count.ts';
export { activityCadenceRateKpi } from './activity-cadence-rate.ts';
export { phishingRepeatClickerCountKpi } from './phishing-repeat-clicker-count.ts';
export { postClickTrainingRateKpi } from './post-click-training-rate.ts';
export { unapprovedRemovableMediaCountKpi } from './unapproved-removable-media-count.ts';
export { removableMediaApprovalRateKpi } from './removable-media-approval-rate.ts';
export { accessReviewCompletionRateKpi } from './access-review-completion-rate.ts';
export { accessReviewRemovalRateKpi } from './access-review-removal-rate.ts';
