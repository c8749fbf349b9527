/**
 * The reconciler: finds messages overdue for their state by reading the journal ({@code
 * event_journal}), and republishes their jobs or closes their receipt windows through their
 * entities. Depends on delivery (the entity's protocol), broker (publishing) and persistence (SQL).
 */
package dev.switchboard.engine.reconcile;
