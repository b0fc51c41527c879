package dev.ratchet.trainer.checkpoint;

import dev.ratchet.trainer.policy.AlphaEntropyController;
import dev.ratchet.trainer.rl.PpoAgent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns an agent's state into checkpoint files and back: {@code parameters.bin}, {@code
 * optimizer.bin} (Adam moments and step) and {@code state.bin} (generators, environments, counters,
 * and the session's best windowed score), all as raw bits so a load is exact.
 */
public final class AgentCodec {

  public static final String PARAMETERS = "parameters.bin";
  public static final String OPTIMIZER = "optimizer.bin";
  public static final String STATE = "state.bin";

  private AgentCodec() {}

  /** The files of a checkpoint of {@code agent}. */
  public static Map<String, byte[]> encode(PpoAgent agent, SessionCounters session)
      throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(PARAMETERS, bytes(agent::writeParameters));
    files.put(OPTIMIZER, bytes(agent::writeOptimizer));
    files.put(
        STATE,
        bytes(
            out -> {
              agent.writeState(out);
              out.writeDouble(session.bestScoreMean());
              out.writeLong(session.nonFinite());
              out.writeInt(session.phaseIndex());
              out.writeBoolean(session.band() != null);
              if (session.band() != null) {
                out.writeDouble(session.band().above());
                out.writeDouble(session.band().below());
              }
            }));
    return files;
  }

  /**
   * Restores {@code agent} from checkpoint files; returns the session counters saved with it. A
   * band controller saved in the same phase as {@code band}'s is restored into it; one of another
   * phase is not (each phase starts its own band from its spec).
   */
  /**
   * Loads only a checkpoint's network parameters into a fresh agent (a warm start); a checkpoint of
   * another network is refused, saying how it differs.
   */
  public static void decodeParameters(Map<String, byte[]> files, PpoAgent agent)
      throws IOException {
    if (!files.containsKey(PARAMETERS)) {
      throw new CheckpointRefusedException("checkpoint has no " + PARAMETERS);
    }
    try (DataInputStream p = in(files.get(PARAMETERS))) {
      agent.readParameters(p);
    } catch (IOException e) {
      throw new CheckpointRefusedException(
          "its network does not fit this run's spec.model and environment: " + e.getMessage());
    }
  }

  public static SessionCounters decode(
      Map<String, byte[]> files, PpoAgent agent, int phaseIndex, AlphaEntropyController band)
      throws IOException {
    for (String name : new String[] {PARAMETERS, OPTIMIZER, STATE}) {
      if (!files.containsKey(name)) {
        throw new CheckpointRefusedException("checkpoint has no " + name);
      }
    }
    try (DataInputStream p = in(files.get(PARAMETERS));
        DataInputStream o = in(files.get(OPTIMIZER));
        DataInputStream s = in(files.get(STATE))) {
      agent.read(p, o, s);
      double best = s.readDouble();
      long nonFinite = s.readLong();
      int savedPhase = s.readInt();
      if (s.readBoolean()) {
        double above = s.readDouble();
        double below = s.readDouble();
        if (band != null && savedPhase == phaseIndex) {
          band.restore(above, below);
        }
      }
      return new SessionCounters(best, nonFinite, phaseIndex, band);
    } catch (CheckpointRefusedException e) {
      throw e;
    } catch (IOException e) {
      // Files that passed their sha256 but do not fit this model/config: refuse (the attempt
      // exits).
      throw new CheckpointRefusedException(
          "checkpoint does not fit this trainer: " + e.getMessage());
    }
  }

  private static DataInputStream in(byte[] b) {
    return new DataInputStream(new ByteArrayInputStream(b));
  }

  private static byte[] bytes(Writer w) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      w.write(out);
    }
    return buf.toByteArray();
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  /**
   * What the session keeps across resumes besides the agent.
   *
   * @param bestScoreMean best windowed score mean seen so far (NaN before a full window)
   * @param nonFinite updates skipped for NaN/Inf so far
   * @param phaseIndex the phase being trained
   * @param band the phase's alpha entropy band controller, or null
   */
  public record SessionCounters(
      double bestScoreMean, long nonFinite, int phaseIndex, AlphaEntropyController band) {}
}
