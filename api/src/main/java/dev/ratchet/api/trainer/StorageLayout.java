package dev.ratchet.api.trainer;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object keys of a run in S3: {@code PREFIX/NAMESPACE/RUN/checkpoints/ep-000001200-a0004/} and
 * {@code PREFIX/NAMESPACE/RUN/metrics/attempt-0004.jsonl}.
 */
public final class StorageLayout {

  private static final Pattern CHECKPOINT_ID = Pattern.compile("^ep-(\\d{9})-a(\\d{4})$");

  private StorageLayout() {}

  /** Key prefix of everything of one run, ending with a slash. */
  public static String runRoot(String prefix, String namespace, String run) {
    String base = prefix == null || prefix.isBlank() ? "" : stripSlashes(prefix) + "/";
    return base + namespace + "/" + run + "/";
  }

  /** Key prefix of the run's checkpoints, ending with a slash. */
  public static String checkpointsRoot(String prefix, String namespace, String run) {
    return runRoot(prefix, namespace, run) + "checkpoints/";
  }

  /** Key prefix of one checkpoint's folder, ending with a slash. */
  public static String checkpointFolder(String prefix, String namespace, String run, String id) {
    return checkpointsRoot(prefix, namespace, run) + id + "/";
  }

  /** Key of the per-episode records of one attempt. */
  public static String metricsFile(String prefix, String namespace, String run, int attempt) {
    return runRoot(prefix, namespace, run)
        + String.format(Locale.ROOT, "metrics/attempt-%04d.jsonl", attempt);
  }

  /** The id of the checkpoint written at an episode by an attempt. */
  public static String checkpointId(long episode, int attempt) {
    return String.format(Locale.ROOT, "ep-%09d-a%04d", episode, attempt);
  }

  /** The episode encoded in a checkpoint id. */
  public static long episodeOf(String checkpointId) {
    return Long.parseLong(parse(checkpointId).group(1));
  }

  /** The attempt encoded in a checkpoint id. */
  public static int attemptOf(String checkpointId) {
    return Integer.parseInt(parse(checkpointId).group(2));
  }

  /** Whether a string is a well-formed checkpoint id. */
  public static boolean isCheckpointId(String text) {
    return text != null && CHECKPOINT_ID.matcher(text).matches();
  }

  /** The checkpoint id a checkpoint folder's URI or key ends with, or null when it names none. */
  public static String checkpointIdOf(String uriOrKey) {
    if (uriOrKey == null) {
      return null;
    }
    String trimmed = uriOrKey.replaceAll("/+$", "");
    String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    return isCheckpointId(last) ? last : null;
  }

  /** The s3:// URI of a key in a bucket. */
  public static String uri(String bucket, String key) {
    return "s3://" + bucket + "/" + key;
  }

  private static Matcher parse(String checkpointId) {
    Matcher m = CHECKPOINT_ID.matcher(checkpointId);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a checkpoint id (expected ep-EEEEEEEEE-aAAAA): " + checkpointId);
    }
    return m;
  }

  private static String stripSlashes(String prefix) {
    return prefix.replaceAll("^/+", "").replaceAll("/+$", "");
  }
}
