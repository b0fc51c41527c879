package dev.ratchet.trainer.checkpoint;

import dev.ratchet.api.trainer.CheckpointManifest;
import java.util.Map;

/**
 * A committed checkpoint read back and verified.
 *
 * @param manifest its manifest
 * @param files content of each file, by name, each matching its sha256
 */
public record LoadedCheckpoint(CheckpointManifest manifest, Map<String, byte[]> files) {}
