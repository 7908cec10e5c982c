/**
 * The audit trail of canary decisions: one JSON line per change, manual or automatic, appended to a file and
 * kept in a bounded in-memory tail for {@code GET /admin/v1/audit}.
 *
 * <p>Entry points: {@link io.sluice.canary.audit.AuditLog} (append, tail, render) and
 * {@link io.sluice.canary.audit.AuditEntry}. Appends never throw into the caller: failures are counted and
 * logged.
 */
package io.sluice.canary.audit;
