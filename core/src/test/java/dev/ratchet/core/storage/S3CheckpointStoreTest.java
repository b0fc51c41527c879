package dev.ratchet.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.s3.EmbeddedS3Server;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lists, verifies and deletes checkpoints written the way the trainer writes them, over S3. */
class S3CheckpointStoreTest {

  static final String BUCKET = "ratchet-checkpoints";
  static EmbeddedS3Server s3;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = EmbeddedS3Server.inMemory(BUCKET);
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  private static S3CheckpointStore store(String run) {
    return new S3CheckpointStore(s3.client(), BUCKET, "ratchet", "research", run);
  }

  /** Writes files, then the manifest last, as the trainer does; returns the manifest. */
  static CheckpointManifest writeCheckpoint(
      MinioClient client, String run, long episode, boolean withManifest) throws Exception {
    String id = StorageLayout.checkpointId(episode, 1);
    String folder = StorageLayout.checkpointFolder("ratchet", "research", run, id);
    byte[] params = ("parameters at " + episode).getBytes(StandardCharsets.UTF_8);
    put(client, folder + "parameters.bin", params);
    CheckpointManifest manifest =
        new CheckpointManifest(
            CheckpointManifest.FORMAT_VERSION,
            id,
            "research",
            run,
            1,
            "train",
            0,
            episode,
            episode * 200,
            CheckpointKind.PERIODIC,
            "2026-11-22T10:00:00Z",
            Map.of("scoreMean", episode / 10.0),
            false,
            List.of(new CheckpointManifest.FileEntry("parameters.bin", params.length, sha(params))),
            null,
            null);
    if (withManifest) {
      put(client, folder + "manifest.json", new ObjectMapper().writeValueAsBytes(manifest));
    }
    return manifest;
  }

  static void put(MinioClient client, String key, byte[] bytes) throws Exception {
    client.putObject(
        PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .build());
  }

  static String sha(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void readsAnAttemptsEpisodeRecordsSkippingATornLastLineAndNoneBeforeTheFirst() throws Exception {
    assertThat(store("records").episodes(1)).isEmpty();
    String key = StorageLayout.metricsFile("ratchet", "research", "records", 1);
    String lines =
        "{\"episode\":1,\"score\":10.0,\"reward\":1.0,\"length\":10,\"phase\":\"train\","
            + "\"attempt\":1,\"envSteps\":10,\"time\":\"t\",\"window\":{\"episodes\":1,"
            + "\"scoreMean\":10.0,\"scoreStd\":0.0,\"rewardMean\":1.0,\"rewardStd\":0.0,"
            + "\"nonFiniteCount\":0}}\n"
            + "{\"episode\":2,\"score\":20.0,\"reward\":1.0,\"length\":20,\"phase\":\"train\","
            + "\"attempt\":1,\"envSteps\":30,\"time\":\"t\"}\n"
            + "{\"episode\":3,\"sco";
    put(s3.client(), key, lines.getBytes(StandardCharsets.UTF_8));

    List<EpisodeRecord> records = store("records").episodes(1);

    assertThat(records).extracting(EpisodeRecord::episode).containsExactly(1L, 2L);
    assertThat(records.get(0).window().scoreMean()).isEqualTo(10.0);
    assertThat(records.get(1).window()).isNull(); // written before windows were recorded
  }

  @Test
  void listsCommittedCheckpointsAndRejectsUncommittedOnes() throws Exception {
    writeCheckpoint(s3.client(), "listing", 100, true);
    writeCheckpoint(s3.client(), "listing", 200, true);
    writeCheckpoint(s3.client(), "listing", 300, false);

    CheckpointStore.Listing listing = store("listing").list();

    assertThat(listing.committed())
        .extracting(CheckpointManifest::id)
        .containsExactly("ep-000000100-a0001", "ep-000000200-a0001");
    assertThat(listing.committed().get(1).metrics()).containsEntry("scoreMean", 20.0);
    assertThat(listing.uncommitted()).containsExactly("ep-000000300-a0001");
    assertThat(listing.rejected()).isEmpty();
  }

  @Test
  void aManifestRewrittenBetweenTwoListingsIsReadAgainNotServedFromMemory() throws Exception {
    CheckpointManifest first = writeCheckpoint(s3.client(), "rewritten", 100, true);
    S3CheckpointStore store = store("rewritten");
    assertThat(store.list().committed().get(0).metrics()).containsEntry("scoreMean", 10.0);

    CheckpointManifest changed =
        new CheckpointManifest(
            first.formatVersion(),
            first.id(),
            first.namespace(),
            first.run(),
            first.attempt(),
            first.phase(),
            first.phaseIndex(),
            first.episode(),
            first.envSteps(),
            first.kind(),
            first.createdAt(),
            Map.of("scoreMean", 77.0),
            first.nonFinite(),
            first.files(),
            first.startedFrom(),
            first.ranking());
    String folder = StorageLayout.checkpointFolder("ratchet", "research", "rewritten", first.id());
    put(s3.client(), folder + "manifest.json", new ObjectMapper().writeValueAsBytes(changed));

    assertThat(store.list().committed().get(0).metrics()).containsEntry("scoreMean", 77.0);
  }

  @Test
  void checkpointWithAlteredFileIsRejectedOrFailsVerification() throws Exception {
    writeCheckpoint(s3.client(), "corrupt", 100, true);
    writeCheckpoint(s3.client(), "corrupt", 200, true);
    String folder100 =
        StorageLayout.checkpointFolder("ratchet", "research", "corrupt", "ep-000000100-a0001");
    String folder200 =
        StorageLayout.checkpointFolder("ratchet", "research", "corrupt", "ep-000000200-a0001");
    // Same size, other bytes: only the sha256 can tell.
    put(
        s3.client(),
        folder100 + "parameters.bin",
        "parameters at 999".getBytes(StandardCharsets.UTF_8));
    // Truncated: the listing already tells.
    put(s3.client(), folder200 + "parameters.bin", new byte[3]);

    S3CheckpointStore store = store("corrupt");
    CheckpointStore.Listing listing = store.list();

    assertThat(listing.committed())
        .extracting(CheckpointManifest::id)
        .containsExactly("ep-000000100-a0001");
    assertThat(listing.rejected())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("has 3 bytes, the manifest says 17"));
    assertThat(store.verify("ep-000000100-a0001"))
        .contains("parameters.bin has sha256")
        .contains("but the manifest says");
  }

  @Test
  void intactCheckpointVerifiesAndDeletionRemovesEveryObject() throws Exception {
    writeCheckpoint(s3.client(), "pruning", 100, true);
    writeCheckpoint(s3.client(), "pruning", 200, true);
    S3CheckpointStore store = store("pruning");

    assertThat(store.verify("ep-000000100-a0001")).isNull();
    store.delete("ep-000000100-a0001");

    assertThat(store.list().committed())
        .extracting(CheckpointManifest::id)
        .containsExactly("ep-000000200-a0001");
    long left =
        StreamSupport.stream(
                s3.client()
                    .listObjects(
                        ListObjectsArgs.builder()
                            .bucket(BUCKET)
                            .prefix("ratchet/research/pruning/checkpoints/ep-000000100-a0001/")
                            .recursive(true)
                            .build())
                    .spliterator(),
                false)
            .count();
    assertThat(left).isZero();
  }

  @Test
  void unreachableStorageNamesTheBucketAndTheOperation() {
    MinioClient nowhere =
        MinioClient.builder().endpoint("http://127.0.0.1:1").credentials("a", "b").build();

    assertThatThrownBy(() -> new S3CheckpointStore(nowhere, BUCKET, "ratchet", "ns", "run").list())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("cannot list ratchet/ns/run/checkpoints/ in bucket " + BUCKET);
  }
}
