package dev.switchboard.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where the watermark may go after a pass: never past an open message or a recent row. */
class ReconcilerWatermarkTest {

  @Test
  void movesToTheLastRowWhenEverythingEnded() {
    assertThat(new JournalScan.Bound(null, 0, null, 120L).next(40)).isEqualTo(120);
  }

  @Test
  void staysJustBelowTheOldestOpenMessage() {
    assertThat(new JournalScan.Bound(77L, 3, null, 120L).next(40)).isEqualTo(76);
  }

  @Test
  void staysBelowRowsWrittenWithinTheRecentLag() {
    // A row committed late may still appear below 110: rows that young are read again.
    assertThat(new JournalScan.Bound(null, 0, 110L, 120L).next(40)).isEqualTo(109);
  }

  @Test
  void neverMovesBackNorMovesWithoutRows() {
    assertThat(new JournalScan.Bound(null, 0, null, null).next(40)).isEqualTo(40);
    assertThat(new JournalScan.Bound(41L, 1, null, 120L).next(40)).isEqualTo(40);
  }
}
