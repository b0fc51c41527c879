package dev.ratchet.cli.runs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.S3CheckpointStore;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What storage holds of one run, in the layout the trainer writes: per-episode records and
 * checkpoints, read through the MinIO client from MinIO, S3 or the local mode's S3Proxy.
 *
 * @param client a client of the run's S3 endpoint
 * @param bucket the run's bucket
 * @param prefix key prefix of the run's storage
 * @param namespace the run's namespace ({@code local} in local mode)
 * @param run the run's name
 */
public record RunFiles(
    MinioClient client, String bucket, String prefix, String namespace, String run) {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

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
    List<EpisodeRecord> records = new ArrayList<>();
    for (String key : keys) {
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
            records.add(JSON.readValue(line, EpisodeRecord.class));
          } catch (IOException torn) {
            // A line being written while we read: the next report will have it.
          }
        }
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("cannot read " + key + " in bucket " + bucket + ": " + e, e);
      }
    }
    return records;
  }
}
