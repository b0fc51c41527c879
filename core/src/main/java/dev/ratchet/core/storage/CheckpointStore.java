package dev.ratchet.core.storage;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import java.util.List;

/**
 * The checkpoints and per-episode records of one run as storage holds them: a seam, so that the
 * operator and the local mode read and prune the same layout whatever serves it.
 */
public interface CheckpointStore {

  /** Committed checkpoints (manifest present, files present with the declared sizes). */
  Listing list();

  /**
   * Downloads a checkpoint's files and compares them with the sha256 of its manifest; returns null
   * when they match, else the reason it must not be used.
   */
  String verify(String checkpointId);

  /**
   * The per-episode records an attempt left, oldest first; empty when it left none. A torn last
   * line (being written while read) is skipped.
   */
  List<EpisodeRecord> episodes(int attempt);

  /**
   * Deletes a checkpoint, its manifest first, so that a deletion cut short never leaves a
   * committed-looking checkpoint with missing files.
   */
  void delete(String checkpointId);

  /**
   * What a listing found: committed checkpoints, folders not committed (yet) because their manifest
   * is missing, and checkpoints that must never be used.
   */
  record Listing(
      List<CheckpointManifest> committed, List<String> uncommitted, List<Rejected> rejected) {}

  /** A checkpoint folder that must not be used, and why. */
  record Rejected(String id, String reason) {}
}
