package dev.ratchet.cli.runs;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.S3CheckpointStore;
import dev.ratchet.core.storage.StorageException;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What storage holds of one run, in the layout the trainer writes: per-episode records and
 * checkpoints, read through the MinIO client from MinIO, S3 or the local mode's S3Proxy.
 *
 * @param access how the run's S3 endpoint is reached
 * @param client a client of it
 * @param bucket the run's bucket
 * @param prefix key prefix of the run's storage
 * @param namespace the run's namespace ({@code local} in local mode)
 * @param run the run's name
 */
public record RunFiles(
    S3Access access,
    MinioClient client,
    String bucket,
    String prefix,
    String namespace,
    String run) {

  /**
   * The files of {@code run} under {@code prefix} in {@code bucket}, reached with {@code access}.
   */
  public static RunFiles of(
      S3Access access, String bucket, String prefix, String namespace, String run) {
    return new RunFiles(access, access.client(), bucket, prefix, namespace, run);
  }

  /** The s3:// URI of a checkpoint's folder. */
  public String checkpointUri(String id) {
    return StorageLayout.uri(bucket, StorageLayout.checkpointFolder(prefix, namespace, run, id));
  }

  private static final Pattern ATTEMPT_FILE = Pattern.compile("attempt-(\\d+)\\.jsonl$");

  /** The run's checkpoints: committed, uncommitted and rejected. */
  public CheckpointStore.Listing checkpoints() {
    return new S3CheckpointStore(client, bucket, prefix, namespace, run).list();
  }

  /**
   * Every episode record of every attempt, in attempt order (a rollback replays episodes, so
   * episode numbers may repeat across attempts). A torn last line of a running attempt is skipped.
   */
  public List<EpisodeRecord> episodes() throws IOException {
    String folder = StorageLayout.runRoot(prefix, namespace, run) + "metrics/";
    TreeSet<String> keys = new TreeSet<>();
    try {
      for (Result<Item> r :
          client.listObjects(
              ListObjectsArgs.builder().bucket(bucket).prefix(folder).recursive(true).build())) {
        String key = r.get().objectName();
        if (key.endsWith(".jsonl")) {
          keys.add(key); // attempt-NNNN.jsonl: name order is attempt order
        }
      }
    } catch (Exception e) {
      throw new IOException("cannot list " + folder + " in bucket " + bucket + ": " + e, e);
    }
    S3CheckpointStore store = new S3CheckpointStore(client, bucket, prefix, namespace, run);
    List<EpisodeRecord> records = new ArrayList<>();
    for (String key : keys) {
      Matcher m = ATTEMPT_FILE.matcher(key);
      if (!m.find()) {
        continue;
      }
      try {
        records.addAll(store.episodes(Integer.parseInt(m.group(1))));
      } catch (StorageException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return records;
  }
}
