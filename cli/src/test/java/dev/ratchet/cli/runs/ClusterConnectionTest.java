package dev.ratchet.cli.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * How a failed request to the API server is worded: an API server that never answered is named with
 * where its address came from and the cause; one that answered speaks for itself.
 */
class ClusterConnectionTest {

  private final ClusterConnection cluster =
      new ClusterConnection(
          new ConfigBuilder(Config.empty()).withMasterUrl("https://10.0.0.1:6443/").build(),
          "from kubeconfig /home/me/.kube/config, context lab");

  private String failure(Throwable cause) {
    return cluster
        .failure("read TrainingRun r in namespace ns", new KubernetesClientException("x", cause))
        .getMessage();
  }

  @Test
  void anApiServerThatDoesNotAcceptTheConnectionInTimeIsAConnectionTimeout() {
    assertThat(failure(new IOException(new ConnectTimeoutException("connection timed out"))))
        .isEqualTo(
            "cannot reach the Kubernetes API server https://10.0.0.1:6443/ (from kubeconfig"
                + " /home/me/.kube/config, context lab) to read TrainingRun r in namespace ns:"
                + " no answer within 2 s (connection timeout)");
  }

  @Test
  void anApiServerThatAcceptsButDoesNotAnswerIsARequestTimeout() {
    assertThat(
            failure(
                new NoStackTraceTimeoutException(
                    "The timeout period of 10000ms has been exceeded while executing GET")))
        .endsWith(": no answer within 10 s (request timeout)");
  }

  @Test
  void anApiServerThatAnsweredIsQuoted() {
    KubernetesClientException forbidden =
        new KubernetesClientException(
            new StatusBuilder()
                .withCode(403)
                .withMessage("trainingruns.ratchet.dev \"r\" is forbidden: User \"me\" cannot get")
                .build());

    assertThat(cluster.failure("read TrainingRun r in namespace ns", forbidden).getMessage())
        .isEqualTo(
            "cannot read TrainingRun r in namespace ns: trainingruns.ratchet.dev \"r\" is"
                + " forbidden: User \"me\" cannot get");
  }
}
