package dev.ratchet.trainer.rl;

import ai.djl.ndarray.NDManager;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.policy.RouterSettings;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;

/**
 * Trains PPO on any environment for a step budget, then plays the trained (still stochastic) policy
 * without updates to score it.
 */
public final class EnvRun {

  private EnvRun() {}

  /**
   * What a run reached.
   *
   * @param scores scores of the evaluation episodes, played after training
   * @param envSteps training steps taken
   * @param seconds wall time of the training, end to end
   * @param envSeconds of which stepping and observing the environment
   * @param episodes training episodes finished
   */
  public record Result(
      List<Double> scores, long envSteps, double seconds, double envSeconds, long episodes) {

    public double meanScore() {
      return scores.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Fraction of evaluation episodes whose score passes {@code test}. */
    public double fraction(DoublePredicate test) {
      return (double) scores.stream().filter(test::test).count() / scores.size();
    }

    public double stepsPerSecond() {
      return envSteps / seconds;
    }

    public double episodesPerMinute() {
      return episodes / seconds * 60;
    }

    /** Share of the training time spent in the environment. */
    public double envShare() {
      return envSeconds / seconds;
    }
  }

  /** Trains with the spec's LR and clip (annealed over the budget when it asks). */
  public static Result train(
      VecEnv env, PpoSpec ppo, ModelSpec model, long seed, long budget, int evalEpisodes) {
    return train(env, ppo, model, null, seed, budget, evalEpisodes);
  }

  /** The same, with a mixture of experts' router settings ({@code null}: the policy's own). */
  public static Result train(
      VecEnv env,
      PpoSpec ppo,
      ModelSpec model,
      RouterSettings router,
      long seed,
      long budget,
      int evalEpisodes) {
    TimedEnv timed = new TimedEnv(env);
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(timed, model, seed, m)) {
      if (router != null) {
        agent.policy().setRouter(router);
      }
      long t0 = System.nanoTime();
      while (agent.envSteps() < budget) {
        double frac = 1.0 - (double) agent.envSteps() / budget;
        agent.collect(ppo);
        double lr = ppo.annealLearningRate ? ppo.learningRate * frac : ppo.learningRate;
        double clip = ppo.annealClipRange ? ppo.clipRange * frac : ppo.clipRange;
        agent.update(ppo, lr, clip);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double envSeconds = timed.nanos / 1e9;
      long trained = agent.envSteps();
      long episodes = agent.episodes();
      return new Result(play(agent, ppo, evalEpisodes), trained, seconds, envSeconds, episodes);
    }
  }

  /** Plays at least {@code episodes} more episodes without updates; their scores. */
  static List<Double> play(PpoAgent agent, PpoSpec ppo, int episodes) {
    List<Double> scores = new ArrayList<>();
    while (scores.size() < episodes) {
      for (VecEnv.Episode e : agent.collect(ppo)) {
        scores.add(e.score());
      }
    }
    return scores;
  }

  /** Times the environment's own work (step and observe) inside a training run. */
  private static final class TimedEnv implements VecEnv {
    private final VecEnv env;
    private long nanos;

    TimedEnv(VecEnv env) {
      this.env = env;
    }

    @Override
    public int numEnvs() {
      return env.numEnvs();
    }

    @Override
    public int obsDim() {
      return env.obsDim();
    }

    @Override
    public int actions() {
      return env.actions();
    }

    @Override
    public void observe(float[] out) {
      long t = System.nanoTime();
      env.observe(out);
      nanos += System.nanoTime() - t;
    }

    @Override
    public List<Episode> step(int[] actions, float[] rewards, boolean[] dones) {
      long t = System.nanoTime();
      List<Episode> r = env.step(actions, rewards, dones);
      nanos += System.nanoTime() - t;
      return r;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
      env.writeState(out);
    }

    @Override
    public void readState(DataInputStream in) throws IOException {
      env.readState(in);
    }
  }
}
