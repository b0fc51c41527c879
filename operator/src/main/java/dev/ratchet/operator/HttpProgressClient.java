package dev.ratchet.operator;

import dev.ratchet.core.platform.ProgressReader;
import io.fabric8.kubernetes.api.model.Pod;

/** Polls {@code http://POD_IP:PORT/v1/progress} of a trainer pod over plain HTTP. */
public final class HttpProgressClient implements ProgressClient {

  private final ProgressReader reader = new ProgressReader();
  private final int port;

  public HttpProgressClient(int port) {
    this.port = port;
  }

  @Override
  public ProgressReader.Reply fetch(Pod pod, long after) {
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    return ip == null || ip.isBlank() ? ProgressReader.Reply.NONE : reader.read(ip, port, after);
  }
}
