package dev.ratchet.core.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What a trainer answers, over real HTTP: a report, an answer that is not one (said in words, for
 * the supervisor's ProgressRejected event), or no answer at all (a trainer still starting: no
 * problem).
 */
class ProgressReaderTest {

  private final ProgressReader reader = new ProgressReader();

  private static HttpServer serving(int status, String body) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/progress",
        ex -> {
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    server.start();
    return server;
  }

  private ProgressReader.Reply read(HttpServer server) {
    return reader.read("127.0.0.1", server.getAddress().getPort(), 10);
  }

  @Test
  void aReportIsRead() throws Exception {
    HttpServer server =
        serving(
            200,
            "{\"attempt\":2,\"phase\":\"train\",\"episode\":40,\"envSteps\":800,"
                + "\"untilEpisode\":100,\"windowEpisodes\":20,\"nonFiniteCount\":0,"
                + "\"state\":\"TRAINING\",\"somethingNew\":1}");
    try {
      ProgressReader.Reply reply = read(server);
      assertThat(reply.problem()).isNull();
      assertThat(reply.report().episode()).isEqualTo(40);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anAnswerThatIsNotAReportIsAProblemInWords() throws Exception {
    HttpServer html = serving(200, "<html>proxy error</html>");
    HttpServer broken = serving(500, "oops");
    HttpServer wrongType = serving(200, "{\"episode\":\"many\"}");
    try {
      assertThat(read(html).problem()).startsWith("the answer is not a progress report: ");
      assertThat(read(html).report()).isNull();
      assertThat(read(broken).problem()).isEqualTo("GET /v1/progress answered HTTP 500");
      assertThat(read(wrongType).problem())
          .startsWith("the answer is not a progress report: ")
          .contains("episode");
    } finally {
      html.stop(0);
      broken.stop(0);
      wrongType.stop(0);
    }
  }

  @Test
  void noAnswerIsNoProblem() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(reader.read("127.0.0.1", port, 0)).isEqualTo(ProgressReader.Reply.NONE);
  }
}
