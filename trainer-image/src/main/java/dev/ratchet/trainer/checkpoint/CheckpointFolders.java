package dev.ratchet.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.trainer.storage.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes and reads checkpoints in S3: every file first, {@code manifest.json} last (its presence
 * commits the checkpoint); on read, a missing manifest or a file whose size or sha256 differs
 * refuses the checkpoint.
 */
public final class CheckpointFolders {

  private final ObjectStore store;
  private final ObjectMapper json;
  private final String bucket;

  public CheckpointFolders(ObjectStore store, ObjectMapper json, String bucket) {
    this.store = store;
    this.json = json;
    this.bucket = bucket;
  }

  /**
   * Uploads the files then the manifest under {@code folderKey}; an exception from any file upload
   * propagates before the manifest is written, so a failed save leaves no commit.
   *
   * @param manifestWithoutFiles the manifest to write; its file list is filled in here
   * @return the committed manifest
   */
  public CheckpointManifest save(
      String folderKey, CheckpointManifest manifestWithoutFiles, Map<String, byte[]> files)
      throws IOException {
    List<CheckpointManifest.FileEntry> entries = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      store.put(bucket, folderKey + f.getKey(), f.getValue());
      entries.add(
          new CheckpointManifest.FileEntry(f.getKey(), f.getValue().length, sha256(f.getValue())));
    }
    CheckpointManifest m = withFiles(manifestWithoutFiles, entries);
    store.put(bucket, folderKey + CheckpointManifest.FILE_NAME, json.writeValueAsBytes(m));
    return m;
  }

  /** Reads and verifies the checkpoint at an s3:// URI of its folder. */
  public LoadedCheckpoint load(String uri) throws IOException {
    String prefix = "s3://" + bucket + "/";
    if (uri == null || !uri.startsWith(prefix)) {
      throw new CheckpointRefusedException(
          "checkpoint " + uri + " is not in the configured bucket " + bucket);
    }
    String folder = uri.substring(prefix.length());
    if (!folder.endsWith("/")) {
      folder += "/";
    }
    Optional<byte[]> manifestBytes = store.get(bucket, folder + CheckpointManifest.FILE_NAME);
    if (manifestBytes.isEmpty()) {
      throw new CheckpointRefusedException(
          "checkpoint "
              + uri
              + " has no "
              + CheckpointManifest.FILE_NAME
              + ": it was never committed");
    }
    CheckpointManifest m;
    try {
      m = json.readValue(manifestBytes.get(), CheckpointManifest.class);
    } catch (IOException e) {
      throw new CheckpointRefusedException(
          "checkpoint " + uri + " has an unreadable manifest: " + e.getMessage());
    }
    if (m.formatVersion() != CheckpointManifest.FORMAT_VERSION || m.files() == null) {
      throw new CheckpointRefusedException(
          "checkpoint "
              + uri
              + " has manifest format "
              + m.formatVersion()
              + ", expected "
              + CheckpointManifest.FORMAT_VERSION);
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (CheckpointManifest.FileEntry f : m.files()) {
      byte[] content =
          store
              .get(bucket, folder + f.name())
              .orElseThrow(
                  () ->
                      new CheckpointRefusedException(
                          "checkpoint " + uri + " is missing its file " + f.name()));
      String actual = sha256(content);
      if (content.length != f.size() || !actual.equals(f.sha256())) {
        throw new CheckpointRefusedException(
            "checkpoint "
                + uri
                + ": "
                + f.name()
                + " has sha256 "
                + actual
                + " ("
                + content.length
                + " bytes), manifest says "
                + f.sha256()
                + " ("
                + f.size()
                + " bytes)");
      }
      files.put(f.name(), content);
    }
    return new LoadedCheckpoint(m, files);
  }

  /** The s3:// URI of a checkpoint folder key. */
  public String uri(String folderKey) {
    return StorageLayout.uri(bucket, folderKey);
  }

  public String bucket() {
    return bucket;
  }

  public ObjectStore objectStore() {
    return store;
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CheckpointManifest withFiles(
      CheckpointManifest m, List<CheckpointManifest.FileEntry> files) {
    return new CheckpointManifest(
        m.formatVersion(),
        m.id(),
        m.namespace(),
        m.run(),
        m.attempt(),
        m.phase(),
        m.phaseIndex(),
        m.episode(),
        m.envSteps(),
        m.kind(),
        m.createdAt(),
        m.metrics(),
        m.nonFinite(),
        List.copyOf(files),
        m.startedFrom(),
        m.ranking(),
        m.evaluation());
  }

  /** UTF-8 bytes, for small JSON files. */
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
