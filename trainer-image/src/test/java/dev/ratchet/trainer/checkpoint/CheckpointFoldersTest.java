package dev.ratchet.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.v1alpha1.AlphaEntropyTarget;
import dev.ratchet.api.v1alpha1.EntropyGoal;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.s3.EmbeddedS3Server;
import dev.ratchet.trainer.env.VecCartPole;
import dev.ratchet.trainer.policy.AlphaEntropyController;
import dev.ratchet.trainer.rl.PpoAgent;
import dev.ratchet.trainer.rl.Settings;
import dev.ratchet.trainer.storage.MinioObjectStore;
import dev.ratchet.trainer.storage.ObjectStore;
import dev.ratchet.trainer.storage.RetryingObjectStore;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checkpoints through the MinIO client against an embedded S3Proxy. */
class CheckpointFoldersTest {

  private static final String BUCKET = "ratchet";
  private static EmbeddedS3Server s3;
  private static ObjectStore minio;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void startS3() throws Exception {
    s3 = EmbeddedS3Server.inMemory(BUCKET);
    minio =
        new MinioObjectStore(
            s3.endpoint(), "us-east-1", EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY);
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  private static CheckpointManifest manifest(String id, long episode) {
    return new CheckpointManifest(
        CheckpointManifest.FORMAT_VERSION,
        id,
        "ns",
        "run",
        1,
        "warmup",
        0,
        episode,
        1000,
        CheckpointKind.PERIODIC,
        "2026-01-01T00:00:00Z",
        Map.of("scoreMean", 10.0),
        false,
        null,
        null,
        null);
  }

  @Test
  void saveThenLoadIsBitwiseExactAndTrainingContinuesIdentically() throws Exception {
    PpoSpec ppo = Settings.zooPpo();
    ppo.epochs = 2;
    CheckpointFolders store = new CheckpointFolders(minio, json, BUCKET);
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent a = new PpoAgent(new VecCartPole(4, 500, 3), Settings.mlp64(), 3, m);
        PpoAgent b = new PpoAgent(new VecCartPole(4, 500, 99), Settings.mlp64(), 99, m)) {
      for (int i = 0; i < 3; i++) {
        a.collect(ppo);
        a.update(ppo, 1e-3, 0.2);
      }
      String folder = StorageLayout.checkpointFolder("pfx", "ns", "run", "ep-000000007-a0001");
      CheckpointManifest saved =
          store.save(
              folder,
              manifest("ep-000000007-a0001", 7),
              AgentCodec.encode(a, new AgentCodec.SessionCounters(42.5, 3, 1, saturated())));
      assertThat(saved.files())
          .extracting(CheckpointManifest.FileEntry::name)
          .containsExactly(AgentCodec.PARAMETERS, AgentCodec.OPTIMIZER, AgentCodec.STATE);

      LoadedCheckpoint loaded = store.load(store.uri(folder));
      assertThat(loaded.manifest()).isEqualTo(saved);
      // the band's multipliers resume in the phase that saved them, and only there
      AlphaEntropyController samePhase = band();
      AgentCodec.SessionCounters counters = AgentCodec.decode(loaded.files(), b, 1, samePhase);
      assertThat(counters.bestScoreMean()).isEqualTo(42.5);
      assertThat(counters.nonFinite()).isEqualTo(3);
      assertThat(samePhase.coefficient()).isEqualTo(saturated().coefficient()).isEqualTo(-0.5);
      AlphaEntropyController nextPhase = band();
      AgentCodec.decode(loaded.files(), b, 2, nextPhase);
      assertThat(nextPhase.coefficient()).isEqualTo(band().coefficient()).isEqualTo(-0.05);

      assertSameBits(a, b);
      assertThat(b.adam().step()).isEqualTo(a.adam().step()).isEqualTo(6);
      assertThat(b.envSteps()).isEqualTo(a.envSteps());
      // Same state, same seed streams: the next update is identical too.
      a.collect(ppo);
      a.update(ppo, 1e-3, 0.2);
      b.collect(ppo);
      b.update(ppo, 1e-3, 0.2);
      assertSameBits(a, b);
    }
  }

  private static void assertSameBits(PpoAgent a, PpoAgent b) {
    var pa = a.policy().parameters();
    var pb = b.policy().parameters();
    for (int i = 0; i < pa.size(); i++) {
      assertThat(bits(pb.values(i))).as(pa.name(i)).isEqualTo(bits(pa.values(i)));
    }
    float[][] ma = a.adam().moments();
    float[][] mb = b.adam().moments();
    for (int i = 0; i < ma.length; i++) {
      assertThat(bits(mb[i])).isEqualTo(bits(ma[i]));
    }
  }

  private static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Float.floatToRawIntBits(v[i]);
    }
    return out;
  }

  @Test
  void checkpointOfAnotherShapeIsRefused() throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent four = new PpoAgent(new VecCartPole(4, 500, 1), Settings.mlp64(), 1, m);
        PpoAgent eight = new PpoAgent(new VecCartPole(8, 500, 1), Settings.mlp64(), 1, m)) {
      Map<String, byte[]> files =
          AgentCodec.encode(four, new AgentCodec.SessionCounters(Double.NaN, 0, 0, null));
      assertThatThrownBy(() -> AgentCodec.decode(files, eight, 0, null))
          .isInstanceOf(CheckpointRefusedException.class)
          .hasMessageContaining("4 environments, config has 8");
    }
  }

  @Test
  void checkpointWithoutManifestIsRefused() throws Exception {
    CheckpointFolders store = new CheckpointFolders(minio, json, BUCKET);
    String folder = StorageLayout.checkpointFolder("", "ns", "run", "ep-000000001-a0001");
    minio.put(BUCKET, folder + AgentCodec.PARAMETERS, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> store.load(store.uri(folder)))
        .isInstanceOf(CheckpointRefusedException.class)
        .hasMessageContaining("has no manifest.json: it was never committed");
  }

  @Test
  void checkpointWithWrongSha256IsRefused() throws Exception {
    CheckpointFolders store = new CheckpointFolders(minio, json, BUCKET);
    String folder = StorageLayout.checkpointFolder("", "ns", "run", "ep-000000002-a0001");
    store.save(
        folder, manifest("ep-000000002-a0001", 2), Map.of("parameters.bin", new byte[] {1, 2}));
    minio.put(BUCKET, folder + "parameters.bin", new byte[] {1, 3});
    assertThatThrownBy(() -> store.load(store.uri(folder)))
        .isInstanceOf(CheckpointRefusedException.class)
        .hasMessageContaining("parameters.bin has sha256")
        .hasMessageContaining("manifest says");
  }

  @Test
  void transientS3ErrorsAreRetriedWithBackoff() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    AtomicInteger calls = new AtomicInteger();
    ObjectStore flaky =
        new FaultyStore(minio) {
          @Override
          void beforePut(String key) throws IOException {
            calls.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
              throw new IOException("connection reset");
            }
          }
        };
    CheckpointFolders store =
        new CheckpointFolders(new RetryingObjectStore(flaky, 4, 10), json, BUCKET);
    String folder = StorageLayout.checkpointFolder("", "ns", "run", "ep-000000003-a0001");
    store.save(folder, manifest("ep-000000003-a0001", 3), Map.of("parameters.bin", new byte[] {9}));
    assertThat(calls.get()).isEqualTo(2 + 2); // two failed tries, then the file and the manifest
    assertThat(store.load(store.uri(folder)).files().get("parameters.bin")).containsExactly(9);
  }

  @Test
  void failedUploadNeverLeavesAManifest() throws Exception {
    ObjectStore broken =
        new FaultyStore(minio) {
          @Override
          void beforePut(String key) throws IOException {
            if (key.endsWith("optimizer.bin")) {
              throw new IOException("503 slow down");
            }
          }
        };
    CheckpointFolders store =
        new CheckpointFolders(new RetryingObjectStore(broken, 3, 5), json, BUCKET);
    String folder = StorageLayout.checkpointFolder("", "ns", "run", "ep-000000004-a0001");
    assertThatThrownBy(
            () ->
                store.save(
                    folder,
                    manifest("ep-000000004-a0001", 4),
                    new java.util.LinkedHashMap<>(
                        Map.of("parameters.bin", new byte[] {1}, "optimizer.bin", new byte[] {2}))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("failed after 3 tries");
    assertThat(minio.get(BUCKET, folder + CheckpointManifest.FILE_NAME)).isEmpty();
    assertThatThrownBy(() -> store.load(store.uri(folder)))
        .isInstanceOf(CheckpointRefusedException.class);
  }

  @Test
  void unreachableStorageFailsAfterRetries() {
    ObjectStore dead =
        new RetryingObjectStore(
            new MinioObjectStore("http://127.0.0.1:1", "us-east-1", "a", "b"), 2, 5);
    assertThatThrownBy(() -> dead.checkBucket(BUCKET))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("failed after 2 tries");
  }

  /** Passes everything to a real store, with a hook before each put to inject faults. */
  private abstract static class FaultyStore implements ObjectStore {
    private final ObjectStore real;

    FaultyStore(ObjectStore real) {
      this.real = real;
    }

    abstract void beforePut(String key) throws IOException;

    @Override
    public void put(String bucket, String key, byte[] content) throws IOException {
      beforePut(key);
      real.put(bucket, key, content);
    }

    @Override
    public Optional<byte[]> get(String bucket, String key) throws IOException {
      return real.get(bucket, key);
    }

    @Override
    public void checkBucket(String bucket) throws IOException {
      real.checkBucket(bucket);
    }
  }

  /** A band of [0.3, 0.5] starting from "maximize 0.05". */
  private static AlphaEntropyController band() {
    AlphaEntropyTarget target = new AlphaEntropyTarget();
    target.low = 0.3;
    target.high = 0.5;
    target.maxCoef = 0.5;
    return new AlphaEntropyController(target, 0.05, EntropyGoal.MAXIMIZE);
  }

  /** The same band after many updates far under it: the push up is at its bound. */
  private static AlphaEntropyController saturated() {
    AlphaEntropyController c = band();
    for (int i = 0; i < 1000; i++) {
      c.observe(0.0);
    }
    return c;
  }
}
