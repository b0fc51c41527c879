package dev.ratchet.core.storage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.StorageLayout;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checkpoints and records of one run in an S3 bucket (MinIO, S3Proxy, AWS), spoken through
 * MinIO's client.
 */
public final class S3CheckpointStore implements CheckpointStore {

  private final MinioClient client;
  private final String bucket;
  private final String root;
  private final String prefix;
  private final String namespace;
  private final String run;
  private final Map<String, CachedManifest> manifests = new ConcurrentHashMap<>();
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** A store for the run {@code namespace/run} under {@code prefix} in {@code bucket}. */
  public S3CheckpointStore(
      MinioClient client, String bucket, String prefix, String namespace, String run) {
    this.client = client;
    this.bucket = bucket;
    this.root = StorageLayout.checkpointsRoot(prefix, namespace, run);
    this.prefix = prefix;
    this.namespace = namespace;
    this.run = run;
  }

  @Override
  public Listing list() {
    Map<String, Map<String, Long>> folders = new TreeMap<>();
    Map<String, String> manifestTags = new HashMap<>();
    for (Item item : items(root)) {
      String relative = item.objectName().substring(root.length());
      int slash = relative.indexOf('/');
      if (slash > 0) {
        String id = relative.substring(0, slash);
        String file = relative.substring(slash + 1);
        folders.computeIfAbsent(id, k -> new TreeMap<>()).put(file, item.size());
        if (file.equals(CheckpointManifest.FILE_NAME)) {
          manifestTags.put(id, item.etag() + "/" + item.size());
        }
      }
    }
    manifests.keySet().retainAll(manifestTags.keySet());
    List<CheckpointManifest> committed = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    List<String> uncommitted = new ArrayList<>();
    folders.forEach(
        (id, files) -> {
          String problem = null;
          CheckpointManifest manifest = null;
          if (!StorageLayout.isCheckpointId(id)) {
            problem = "folder name is not a checkpoint id";
          } else if (!files.containsKey(CheckpointManifest.FILE_NAME)) {
            // Still uploading, or an upload that failed: not a checkpoint, but not corrupt.
            uncommitted.add(id);
            return;
          } else {
            manifest = cachedManifest(id, manifestTags.get(id));
            problem = checkFiles(id, manifest, files);
          }
          if (problem == null) {
            committed.add(manifest);
          } else {
            rejected.add(new Rejected(id, problem));
          }
        });
    return new Listing(List.copyOf(committed), List.copyOf(uncommitted), List.copyOf(rejected));
  }

  @Override
  public String verify(String checkpointId) {
    CheckpointManifest manifest = readManifest(checkpointId);
    for (CheckpointManifest.FileEntry file : manifest.files()) {
      String actual = sha256(folder(checkpointId) + file.name());
      if (!actual.equalsIgnoreCase(file.sha256())) {
        return file.name() + " has sha256 " + actual + " but the manifest says " + file.sha256();
      }
    }
    return null;
  }

  @Override
  public List<EpisodeRecord> episodes(int attempt) {
    String key = StorageLayout.metricsFile(prefix, namespace, run, attempt);
    List<EpisodeRecord> records = new ArrayList<>();
    try (InputStream in =
            client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try {
          records.add(json.readValue(line, EpisodeRecord.class));
        } catch (com.fasterxml.jackson.core.JacksonException torn) {
          // a line being written while it was read: the next read has it
        }
      }
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return List.of(); // the attempt finished no episode yet
      }
      throw failure("read " + key, e);
    } catch (Exception e) {
      throw failure("read " + key, e);
    }
    return records;
  }

  @Override
  public void delete(String checkpointId) {
    String folder = folder(checkpointId);
    remove(folder + CheckpointManifest.FILE_NAME);
    for (Item item : items(folder)) {
      remove(item.objectName());
    }
  }

  private String checkFiles(String id, CheckpointManifest manifest, Map<String, Long> files) {
    if (manifest == null) {
      return "manifest.json cannot be read";
    }
    if (!id.equals(manifest.id())) {
      return "manifest.json names checkpoint " + manifest.id();
    }
    for (CheckpointManifest.FileEntry file : manifest.files()) {
      Long size = files.get(file.name());
      if (size == null) {
        return "file " + file.name() + " listed in the manifest is missing";
      }
      if (size != file.size()) {
        return "file " + file.name() + " has " + size + " bytes, the manifest says " + file.size();
      }
    }
    return null;
  }

  /**
   * A manifest as last read while its object is unchanged (same ETag and size): a committed
   * manifest never changes, so a listing every poll reads only the new ones.
   */
  private CheckpointManifest cachedManifest(String id, String tag) {
    CachedManifest cached = manifests.get(id);
    if (cached != null && cached.tag().equals(tag)) {
      return cached.manifest();
    }
    CheckpointManifest manifest = readManifest(id);
    if (manifest != null) {
      manifests.put(id, new CachedManifest(tag, manifest));
    }
    return manifest;
  }

  private record CachedManifest(String tag, CheckpointManifest manifest) {}

  private CheckpointManifest readManifest(String id) {
    String key = folder(id) + CheckpointManifest.FILE_NAME;
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return json.readValue(in, CheckpointManifest.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return null;
    } catch (Exception e) {
      throw failure("read " + key, e);
    }
  }

  private String sha256(String key) {
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (Exception e) {
      throw failure("read " + key, e);
    }
  }

  private List<Item> items(String prefix) {
    List<Item> items = new ArrayList<>();
    try {
      for (Result<Item> result :
          client.listObjects(
              ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
        items.add(result.get());
      }
    } catch (Exception e) {
      throw failure("list " + prefix, e);
    }
    return items;
  }

  private void remove(String key) {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw failure("delete " + key, e);
    }
  }

  private String folder(String checkpointId) {
    return root + checkpointId + "/";
  }

  private StorageException failure(String what, Exception e) {
    return new StorageException(
        "cannot "
            + what
            + " in bucket "
            + bucket
            + ": "
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage(),
        e);
  }
}
