package dev.ratchet.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.trainer.TrainerConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/**
 * Plays the trainer of a pod as the contract says: reads the attempt's config from its ConfigMap,
 * commits checkpoints to S3 (files, then manifest.json), answers /v1/progress and exits through the
 * test kubelet.
 */
public final class ScriptedTrainer {

  private final KubernetesClient client;
  private final String namespace;
  private final MinioClient s3;
  private final ScriptedProgressClient progress;
  private final TestKubelet kubelet;
  private final ObjectMapper json = new ObjectMapper();

  public ScriptedTrainer(
      KubernetesClient client,
      String namespace,
      MinioClient s3,
      ScriptedProgressClient progress,
      TestKubelet kubelet) {
    this.client = client;
    this.namespace = namespace;
    this.s3 = s3;
    this.progress = progress;
    this.kubelet = kubelet;
  }

  /** The config the operator gave the pod. */
  public TrainerConfig config(String pod) throws Exception {
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(pod + "-config").get();
    return json.readValue(map.getData().get("trainer-config.json"), TrainerConfig.class);
  }

  /**
   * Trains from {@code from} (exclusive) to {@code to} episodes with the windowed score the
   * function gives, committing a periodic checkpoint every everyEpisodes, then reports progress.
   */
  public void train(String pod, long from, long to, LongToDoubleFunction score) throws Exception {
    TrainerConfig config = config(pod);
    long every = config.checkpoints().everyEpisodes();
    for (long episode = (from / every + 1) * every; episode <= to; episode += every) {
      commit(config, episode, CheckpointKind.PERIODIC, score.applyAsDouble(episode));
    }
    report(pod, config, to, score.applyAsDouble(to));
  }

  /** Writes the phase-end checkpoint at untilEpisode and exits 0. */
  public void finish(String pod, double score) throws Exception {
    TrainerConfig config = config(pod);
    commit(config, config.untilEpisode(), CheckpointKind.PHASE_END, score);
    kubelet.exit(pod, 0, "Completed");
  }

  /**
   * Answers /v1/progress at an episode with a windowed score; the window holds only this attempt's
   * episodes, as the real trainer's does.
   */
  public void report(String pod, TrainerConfig config, long episode, double score) {
    String from = StorageLayout.checkpointIdOf(config.resumeFrom());
    long start = from == null ? 0 : StorageLayout.episodeOf(from);
    int window = (int) Math.min(config.metricsWindow(), Math.max(0, episode - start));
    progress.answer(
        pod,
        new ProgressReport(
            config.attempt(),
            config.phase(),
            episode,
            episode * 100,
            config.untilEpisode(),
            window,
            score,
            1.0,
            score + 1,
            score,
            null,
            0.5,
            config.ppo().learningRate,
            60.0,
            0,
            null,
            ProgressReport.TrainerState.TRAINING,
            "2026-11-22T10:00:00Z",
            List.of(),
            null,
            null));
  }

  void commit(TrainerConfig config, long episode, CheckpointKind kind, double score)
      throws Exception {
    String id = StorageLayout.checkpointId(episode, config.attempt());
    String folder =
        StorageLayout.checkpointFolder(
            config.storage().prefix(), config.namespace(), config.run(), id);
    byte[] params = ("parameters " + id).getBytes(StandardCharsets.UTF_8);
    put(config.storage().bucket(), folder + "parameters.bin", params);
    CheckpointManifest manifest =
        new CheckpointManifest(
            CheckpointManifest.FORMAT_VERSION,
            id,
            config.namespace(),
            config.run(),
            config.attempt(),
            config.phase(),
            config.phaseIndex(),
            episode,
            episode * 100,
            kind,
            "2026-11-22T10:00:00Z",
            Map.of("scoreMean", score, "rewardMean", score),
            false,
            List.of(
                new CheckpointManifest.FileEntry(
                    "parameters.bin",
                    params.length,
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(params)))),
            StorageLayout.checkpointIdOf(config.resumeFrom()),
            null);
    put(config.storage().bucket(), folder + "manifest.json", json.writeValueAsBytes(manifest));
  }

  private void put(String bucket, String key, byte[] bytes) throws Exception {
    s3.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .build());
  }
}
