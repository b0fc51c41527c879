package dev.ratchet.trainer.env.remote;

import com.google.protobuf.ByteString;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.env.remote.v1.DescribeRequest;
import dev.ratchet.trainer.env.remote.v1.DescribeResponse;
import dev.ratchet.trainer.env.remote.v1.EpisodeEnd;
import dev.ratchet.trainer.env.remote.v1.ResetRequest;
import dev.ratchet.trainer.env.remote.v1.Space;
import dev.ratchet.trainer.env.remote.v1.StepRequest;
import dev.ratchet.trainer.env.remote.v1.StepResponse;
import dev.ratchet.trainer.rl.Rng;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The copies of an environment served by another process over the environment protocol (env.proto):
 * one gRPC round trip per batched step, so any Gymnasium-style environment trains like the built-in
 * ones. Every failure is one line that names the server, what was expected and what came: {@link
 * EnvironmentMismatchException} when restarting cannot help, {@link
 * EnvironmentUnavailableException} when it may.
 *
 * <p>The server's copies cannot be checkpointed from here: a resumed attempt starts new episodes
 * (seeded from the run's seed and the number of resets), so resuming is exact for the policy and
 * the optimizer, not for the episodes that were in progress.
 *
 * <p>Checkpoint evaluation plays on a named group of the server's copies ({@link
 * #EVALUATION_GROUP}, protocol field {@code group}), made fresh by the server beside the training
 * copies, so that its episodes neither take over nor disturb the copies training steps.
 */
public final class RemoteVecEnv implements VecEnv {

  /** The server's group of copies that checkpoint evaluation plays on. */
  public static final String EVALUATION_GROUP = "evaluation";

  private final ManagedChannel channel;
  private final String where;
  // "" for the training copies, else the group the calls address
  private final String group;
  private final long seed;
  private final long stepTimeoutMillis;
  private final int numEnvs;
  private final int obsDim;
  private final int actions;
  private final String environment;
  private final float[] obs;
  private final StepRequest.Builder request = StepRequest.newBuilder();
  // Resets of the copies so far: each draws new seeds, so a resumed attempt does not replay the
  // episodes its predecessor already played.
  private long resets;

  private RemoteVecEnv(
      ManagedChannel channel,
      String where,
      String group,
      int numEnvs,
      DescribeResponse described,
      long seed,
      Duration stepTimeout) {
    this.channel = channel;
    this.where = where;
    this.group = group;
    this.seed = seed;
    this.stepTimeoutMillis = stepTimeout.toMillis();
    this.numEnvs = numEnvs;
    this.obsDim = (int) described.getObservationSpace().getShape(0);
    this.actions = (int) described.getActionSpace().getN();
    this.environment = described.getEnvironment().isBlank() ? where : described.getEnvironment();
    this.obs = new float[numEnvs * obsDim];
  }

  /**
   * Waits for the server at {@code host:port} (up to {@code startupTimeout}), checks what it serves
   * against what the trainer can train and resets its training copies.
   *
   * @param numEnvs the copies the spec asks for; the server must run as many
   * @throws EnvironmentUnavailableException when no server answered in time
   * @throws EnvironmentMismatchException when it serves something else
   */
  public static RemoteVecEnv connect(
      String host,
      int port,
      int numEnvs,
      long seed,
      Duration startupTimeout,
      Duration stepTimeout) {
    return connect(host, port, numEnvs, seed, false, startupTimeout, stepTimeout);
  }

  /**
   * The training copies, as {@link #connect(String, int, int, long, Duration, Duration)}; with
   * {@code evaluated}, a server that cannot run evaluation copies of its own is refused now rather
   * than at the first evaluated checkpoint, after minutes of training.
   */
  public static RemoteVecEnv connect(
      String host,
      int port,
      int numEnvs,
      long seed,
      boolean evaluated,
      Duration startupTimeout,
      Duration stepTimeout) {
    return open(host, port, "", numEnvs, seed, evaluated, startupTimeout, stepTimeout);
  }

  /**
   * {@code numEnvs} fresh copies of the server's environment in the group {@code group}, beside the
   * training copies and sharing nothing with them, reset with seeds derived from {@code seed} (the
   * same seed, the same episodes for the same actions).
   *
   * @throws EnvironmentMismatchException when the server does not run groups of copies
   */
  public static RemoteVecEnv connectGroup(
      String host,
      int port,
      String group,
      int numEnvs,
      long seed,
      Duration startupTimeout,
      Duration stepTimeout) {
    if (group.isEmpty()) {
      throw new IllegalArgumentException("a group needs a name: \"\" is the training copies");
    }
    return open(host, port, group, numEnvs, seed, true, startupTimeout, stepTimeout);
  }

  private static RemoteVecEnv open(
      String host,
      int port,
      String group,
      int numEnvs,
      long seed,
      boolean needsGroups,
      Duration startupTimeout,
      Duration stepTimeout) {
    String where = host + ":" + port;
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(host, port)
            .usePlaintext()
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
    try {
      DescribeResponse d = describe(channel, where, startupTimeout);
      check(d, where, group.isEmpty() ? numEnvs : d.getNumEnvs(), needsGroups);
      RemoteVecEnv env = new RemoteVecEnv(channel, where, group, numEnvs, d, seed, stepTimeout);
      env.reset();
      return env;
    } catch (RuntimeException e) {
      channel.shutdownNow();
      throw e;
    }
  }

  private static DescribeResponse describe(
      ManagedChannel channel, String where, Duration startupTimeout) {
    long deadline = System.nanoTime() + startupTimeout.toNanos();
    DescribeRequest ask =
        DescribeRequest.newBuilder()
            .setProtocolVersion(EnvironmentMethods.PROTOCOL_VERSION)
            .build();
    Status last = null;
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new EnvironmentUnavailableException(
            "no environment server answered at "
                + where
                + " within "
                + startupTimeout.toSeconds()
                + " s (environment.external.startupTimeoutSeconds)"
                + (last == null ? "" : ", last: " + describe(last))
                + "; check that its command starts and listens on that port (see its log)");
      }
      try {
        // waitForReady: a server still starting is waited for rather than refused at once
        return ClientCalls.blockingUnaryCall(
            channel,
            EnvironmentMethods.DESCRIBE,
            CallOptions.DEFAULT
                .withWaitForReady()
                .withDeadlineAfter(Math.min(left, 1000), TimeUnit.MILLISECONDS),
            ask);
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNIMPLEMENTED) {
          throw new EnvironmentMismatchException(
              "the server at "
                  + where
                  + " does not serve the environment protocol ("
                  + EnvironmentMethods.SERVICE
                  + "): is another program listening on environment.external.port?");
        }
        if (!serverGone(e.getStatus()) && code != Status.Code.DEADLINE_EXCEEDED) {
          throw translate(e, where, "describe");
        }
        last = e.getStatus();
        // reconnect now rather than after gRPC's growing backoff
        channel.resetConnectBackoff();
      }
    }
  }

  /** Refuses what this trainer cannot train, naming what it expected and what came. */
  static void check(DescribeResponse d, String where, int numEnvs) {
    check(d, where, numEnvs, false);
  }

  /**
   * As {@link #check(DescribeResponse, String, int)}; with {@code needsGroups}, also refuses a
   * server that does not advertise groups of copies: one that ignored the group field would step
   * its training copies for the evaluation episodes.
   */
  static void check(DescribeResponse d, String where, int numEnvs, boolean needsGroups) {
    String env = d.getEnvironment().isBlank() ? "the environment" : d.getEnvironment();
    if (d.getProtocolVersion() != EnvironmentMethods.PROTOCOL_VERSION) {
      throw new EnvironmentMismatchException(
          "the environment server at "
              + where
              + " speaks protocol version "
              + d.getProtocolVersion()
              + ", this trainer "
              + EnvironmentMethods.PROTOCOL_VERSION);
    }
    List<String> problems = new ArrayList<>();
    Space o = d.getObservationSpace();
    if (!"Box".equals(o.getKind()) || o.getShapeCount() != 1 || o.getShape(0) < 1) {
      problems.add(
          "observations must be a Box with one dimension (a flat vector of floats), "
              + env
              + " has "
              + spaceText(o)
              + " (flatten them in the server, e.g. gymnasium.wrappers.FlattenObservation)");
    }
    Space a = d.getActionSpace();
    if (!"Discrete".equals(a.getKind()) || a.getN() < 1) {
      problems.add(
          "actions must be Discrete, "
              + env
              + " has "
              + spaceText(a)
              + " (give the server a Discrete action space, e.g. a wrapper that discretizes"
              + " them)");
    }
    if (!problems.isEmpty()) {
      throw new EnvironmentMismatchException(
          "the environment server at "
              + where
              + " cannot be trained: "
              + String.join("; ", problems));
    }
    if (d.getNumEnvs() != numEnvs) {
      throw new EnvironmentMismatchException(
          "environment.numEnvs is "
              + numEnvs
              + " but the environment server at "
              + where
              + " runs "
              + d.getNumEnvs()
              + " copies: start it with as many (ratchet-env-serve reads RATCHET_ENV_NUM_ENVS)");
    }
    if (needsGroups && !d.getSupportsGroups()) {
      throw new EnvironmentMismatchException(
          "spec.evaluation needs an environment server that runs evaluation copies of its own"
              + " (DescribeResponse.supports_groups, docs/environment-protocol.md), and the server"
              + " at "
              + where
              + " ("
              + env
              + ") does not: update it (ratchet-env-serve does) or remove spec.evaluation");
    }
  }

  private static String spaceText(Space s) {
    String kind = s.getKind().isBlank() ? "an undescribed space" : s.getKind();
    StringBuilder b = new StringBuilder(kind);
    if ("Discrete".equals(kind)) {
      b.append("(").append(s.getN()).append(")");
    } else if (s.getShapeCount() > 0 || !s.getDtype().isBlank()) {
      b.append(" of shape ").append(s.getShapeList());
      if (!s.getDtype().isBlank()) {
        b.append(" ").append(s.getDtype());
      }
    }
    return b.toString();
  }

  @Override
  public int numEnvs() {
    return numEnvs;
  }

  @Override
  public int obsDim() {
    return obsDim;
  }

  @Override
  public int actions() {
    return actions;
  }

  /** What the server calls its environment, e.g. gymnasium:CartPole-v1. */
  public String environment() {
    return environment;
  }

  @Override
  public void observe(float[] out) {
    System.arraycopy(obs, 0, out, 0, obs.length);
  }

  @Override
  public List<Episode> step(int[] actions, float[] rewards, boolean[] dones) {
    request.clear().setGroup(group);
    for (int i = 0; i < numEnvs; i++) {
      request.addActions(actions[i]);
    }
    StepResponse r = call(EnvironmentMethods.STEP, request.build(), "step");
    readObservations(r.getObservations(), "step");
    if (r.getRewardsCount() != numEnvs
        || r.getTerminatedCount() != numEnvs
        || r.getTruncatedCount() != numEnvs) {
      throw new EnvironmentMismatchException(
          "the environment server at "
              + where
              + " answered a step for "
              + numEnvs
              + " copies with "
              + r.getRewardsCount()
              + " rewards, "
              + r.getTerminatedCount()
              + " terminated and "
              + r.getTruncatedCount()
              + " truncated flags");
    }
    int ending = 0;
    for (int i = 0; i < numEnvs; i++) {
      rewards[i] = r.getRewards(i);
      dones[i] = r.getTerminated(i) || r.getTruncated(i);
      ending += dones[i] ? 1 : 0;
    }
    if (r.getEpisodesCount() != ending) {
      throw new EnvironmentMismatchException(
          "the environment server at "
              + where
              + " ended "
              + ending
              + " episodes in a step but reported "
              + r.getEpisodesCount()
              + " (one EpisodeEnd per copy whose terminated or truncated is set)");
    }
    if (ending == 0) {
      return List.of();
    }
    List<Episode> ended = new ArrayList<>(ending);
    for (EpisodeEnd e : r.getEpisodesList()) {
      ended.add(
          new Episode(
              e.getEnv(),
              e.getScore(),
              e.getLength(),
              e.getTotalReward(),
              e.hasSuccess() && e.getSuccess()));
    }
    return ended;
  }

  /** The number of resets, which seeds the next one; the server's copies are not checkpointed. */
  @Override
  public void writeState(DataOutputStream out) throws IOException {
    out.writeInt(numEnvs);
    out.writeLong(resets);
  }

  /** Starts new episodes on the server, seeded past the checkpoint's resets. */
  @Override
  public void readState(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n != numEnvs) {
      throw new IOException("checkpoint has " + n + " environments, the server runs " + numEnvs);
    }
    resets = in.readLong();
    reset();
  }

  /** The copies were reset on {@link #readState}: theirs are the observations to act on. */
  @Override
  public void afterRestore(float[] observations) {
    observe(observations);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  private void reset() {
    Rng seeds = new Rng(seed ^ (0x9E3779B97F4A7C15L * (resets + 1)));
    ResetRequest.Builder ask = ResetRequest.newBuilder().setGroup(group);
    for (int i = 0; i < numEnvs; i++) {
      // non-negative, as Gymnasium's seeds must be
      ask.addSeeds(seeds.nextLong() & Long.MAX_VALUE);
    }
    resets++;
    readObservations(
        call(EnvironmentMethods.RESET, ask.build(), "reset").getObservations(), "reset");
  }

  private void readObservations(ByteString bytes, String what) {
    if (bytes.size() != obs.length * Float.BYTES) {
      throw new EnvironmentMismatchException(
          "the environment server at "
              + where
              + " answered a "
              + what
              + " with "
              + bytes.size() / Float.BYTES
              + " observation values, expected "
              + numEnvs
              + " copies × "
              + obsDim);
    }
    FloatBuffer floats =
        bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    floats.get(obs);
  }

  private <Q, R> R call(MethodDescriptor<Q, R> method, Q ask, String what) {
    try {
      return ClientCalls.blockingUnaryCall(
          channel,
          method,
          CallOptions.DEFAULT.withDeadlineAfter(stepTimeoutMillis, TimeUnit.MILLISECONDS),
          ask);
    } catch (StatusRuntimeException e) {
      throw translate(e, where, what);
    }
  }

  /**
   * Whether a failed call means the server's connection is gone (it exited or crashed), as opposed
   * to a status the server sent. The transport reports a connection that closes under a call as
   * UNAVAILABLE ("io exception") or, when the socket was already closed, as UNKNOWN ("channel
   * closed") with the closing exception as its cause; which one depends only on timing, so both are
   * the same event. A status the server sends carries no local cause.
   */
  static boolean serverGone(Status s) {
    return s.getCode() == Status.Code.UNAVAILABLE
        || (s.getCode() == Status.Code.UNKNOWN && s.getCause() instanceof java.io.IOException);
  }

  static RuntimeException translate(StatusRuntimeException e, String where, String what) {
    Status s = e.getStatus();
    String server = "the environment server at " + where;
    if (serverGone(s)) {
      return new EnvironmentUnavailableException(
          server + " went away during a " + what + " (" + describe(s) + "): did it crash?");
    }
    return switch (s.getCode()) {
      case DEADLINE_EXCEEDED ->
          new EnvironmentUnavailableException(
              server
                  + " did not answer a "
                  + what
                  + " in time (environment.external.stepTimeoutSeconds): it is stuck or too slow");
      case INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED ->
          new EnvironmentMismatchException(server + " refused a " + what + ": " + describe(s));
      default ->
          new EnvironmentUnavailableException(server + " failed a " + what + ": " + describe(s));
    };
  }

  private static String describe(Status s) {
    return s.getDescription() == null ? s.getCode().toString() : s.getDescription();
  }
}
