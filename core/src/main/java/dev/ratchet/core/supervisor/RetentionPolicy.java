package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which committed checkpoints may go: everything except the newest {@code keepLast} periodic,
 * preempt and best ones, the best, each phase's end, and anything status or an attempt refers to. A
 * best checkpoint that is no longer the best is an ordinary rolling one (deleting it at once left
 * early runs, which improve at every update, with a single checkpoint: when that one turned out
 * corrupt there was nothing to fall back to). Rejected checkpoints are never deleted: a folder
 * without a manifest may still be being written.
 */
final class RetentionPolicy {

  /**
   * The ids to delete, sorted.
   *
   * @param catalog the committed checkpoints
   * @param keepLast periodic checkpoints to keep
   * @param keep ids that must stay (status references, attempt starts, phase ends, best, latest)
   */
  List<String> toDelete(CheckpointCatalog catalog, int keepLast, Set<String> keep) {
    List<CheckpointManifest> rolling = new ArrayList<>();
    List<String> delete = new ArrayList<>();
    for (CheckpointManifest m : catalog.all()) {
      if (m.kind() == CheckpointKind.PHASE_END) {
        continue; // each phase's end is kept for analysis and for restarting a phase
      }
      rolling.add(m);
    }
    // catalog order is written order: the newest keepLast are at the end; referenced ones count
    // towards keepLast too, so the newest few are what stays
    for (int i = 0; i < rolling.size() - keepLast; i++) {
      if (!keep.contains(rolling.get(i).id())) {
        delete.add(rolling.get(i).id());
      }
    }
    return delete.stream().sorted().toList();
  }
}
