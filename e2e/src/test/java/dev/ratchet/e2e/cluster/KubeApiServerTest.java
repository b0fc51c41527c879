package dev.ratchet.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl and the real Helm driving a user's session against {@link KubeApiServer}, each
 * test on its own server, asserting on what the user sees.
 */
class KubeApiServerTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path CRD = ROOT.resolve("crds/trainingruns.ratchet.dev-v1.yml");
  private static final Path QUICKSTART = ROOT.resolve("examples/cartpole-quickstart.yaml");
  private static final Path CHART = ROOT.resolve("helm/ratchet");
  private static final String RUN = "cartpole-quickstart";
  private static final String UNKNOWN_FORMAT =
      "the body of the request was in an unknown format - accepted media types include:"
          + " application/json-patch+json, application/merge-patch+json,"
          + " application/apply-patch+yaml";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path work;
  private KubeApiServer server;
  private Kubectl kubectl;

  @BeforeEach
  void startServer() {
    server = KubeApiServer.start();
    kubectl = new Kubectl(server, work);
  }

  @AfterEach
  void stopServer() {
    server.close();
    forgetHelmDiscoveryCache();
  }

  @Test
  void kubectlDeleteWaitsForTheFinalizerAndDescribeShowsTheObjectsEvents() throws Exception {
    ok("apply", "-f", CRD.toString());
    ok("create", "namespace", "research");
    ok("apply", "-n", "research", "-f", QUICKSTART.toString());
    var runs =
        server
            .client()
            .genericKubernetesResources("ratchet.dev/v1alpha1", "TrainingRun")
            .inNamespace("research");
    runs.withName(RUN)
        .edit(
            r -> {
              r.getMetadata().setFinalizers(List.of("example.org/cleanup"));
              return r;
            });
    server
        .client()
        .v1()
        .events()
        .inNamespace("research")
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(RUN + ".1")
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("ratchet.dev/v1alpha1")
                .withKind("TrainingRun")
                .withName(RUN)
                .withNamespace("research")
                .withUid(runs.withName(RUN).get().getMetadata().getUid())
                .endInvolvedObject()
                .withType("Warning")
                .withReason("Failed")
                .withMessage("the trainer refused its config")
                .build())
        .create();

    assertThat(ok("describe", "tr", RUN, "-n", "research").stdout())
        .contains("Warning  Failed")
        .contains("the trainer refused its config");

    var deleting =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> kubectl.run("delete", "tr", RUN, "-n", "research", "--timeout=30s"));
    Thread.sleep(2000);
    assertThat(deleting).as("kubectl waits while the finalizer holds the run").isNotDone();
    runs.withName(RUN)
        .edit(
            r -> {
              r.getMetadata().setFinalizers(List.of());
              return r;
            });

    Kubectl.Result deleted = deleting.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    assertThat(deleted.stdout()).contains("deleted");
    assertThat(kubectl.run("get", "tr", RUN, "-n", "research").stderr()).contains("NotFound");
  }

  @Test
  void aRunningPodIsDeletedGracefullyUntilItsKubeletDeletesItWithGraceZero() {
    var pods = server.client().pods().inNamespace("default");
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("trainer")
            .endMetadata()
            .withNewSpec()
            .withTerminationGracePeriodSeconds(20L)
            .addNewContainer()
            .withName("c")
            .withImage("i")
            .endContainer()
            .endSpec()
            .build();
    pods.resource(pod).create();
    Pod running = pods.withName("trainer").get();
    running.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.0.0.2").build());
    pods.resource(running).updateStatus();
    pods.resource(new PodBuilder().withNewMetadata().withName("pending").endMetadata().build())
        .create();

    pods.withName("trainer").withGracePeriod(7).delete();
    pods.withName("pending").withGracePeriod(7).delete();

    Pod marked = pods.withName("trainer").get();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(marked.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(7L);
    assertThat(
            ok("get", "pod", "trainer", "-o", "jsonpath={.metadata.deletionGracePeriodSeconds}")
                .stdout())
        .isEqualTo("7");
    assertThat(pods.withName("pending").get()).as("no kubelet runs it: gone at once").isNull();

    pods.withName("trainer").withGracePeriod(0).delete(); // the kubelet, its containers stopped
    assertThat(pods.withName("trainer").get()).isNull();
  }

  @Test
  void anAppliedCrdBecomesEstablishedAndServesItsShortName() {
    assertThat(ok("apply", "-f", CRD.toString()).stdout())
        .isEqualTo(
            "customresourcedefinition.apiextensions.k8s.io/trainingruns.ratchet.dev created\n");

    assertThat(
            ok(
                    "wait",
                    "--for=condition=established",
                    "crd/trainingruns.ratchet.dev",
                    "--timeout=30s")
                .stdout())
        .isEqualTo(
            "customresourcedefinition.apiextensions.k8s.io/trainingruns.ratchet.dev condition met\n");
    assertThat(rows(ok("api-resources", "--api-group=ratchet.dev").stdout()))
        .containsExactly(
            Map.of(
                "NAME", "trainingruns",
                "SHORTNAMES", "tr",
                "APIVERSION", "ratchet.dev/v1alpha1",
                "NAMESPACED", "true",
                "KIND", "TrainingRun"));
  }

  @Test
  void theQuickstartRunIsListedWithThePrinterColumnsOfItsCrd() throws IOException {
    ok("apply", "-f", CRD.toString());
    assertThat(ok("create", "namespace", "research").stdout())
        .isEqualTo("namespace/research created\n");

    // default client-side validation: no --validate=false
    assertThat(ok("apply", "-n", "research", "-f", QUICKSTART.toString()).stdout())
        .isEqualTo("trainingrun.ratchet.dev/cartpole-quickstart created\n");

    String table = ok("get", "tr", "-n", "research").stdout();
    List<String> header = List.of(table.lines().findFirst().orElseThrow().trim().split("\\s+"));
    List<String> expected = new ArrayList<>(List.of("NAME"));
    expected.addAll(printerColumnsOfTheCrd());
    assertThat(header).isEqualTo(expected);
    List<Map<String, String>> rows = rows(table);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("NAME")).isEqualTo(RUN);
    assertThat(rows.get(0).get("STATE")).isEmpty(); // no status yet
    assertThat(rows.get(0).get("AGE")).matches("\\d+s");

    assertThat(ok("get", "trainingruns.ratchet.dev", "-A", "-o", "name").stdout())
        .isEqualTo("trainingrun.ratchet.dev/cartpole-quickstart\n");
    JsonNode yaml = YAML.readTree(ok("get", "tr", RUN, "-n", "research", "-o", "yaml").stdout());
    assertThat(yaml.path("kind").asText()).isEqualTo("TrainingRun");
    assertThat(yaml.path("metadata").path("namespace").asText()).isEqualTo("research");
    // as applied, up to number spelling (kubectl sends 0.0 as 0)
    assertThat(numbersNormalized(yaml.path("spec")))
        .isEqualTo(numbersNormalized(YAML.readTree(QUICKSTART.toFile()).path("spec")));
  }

  @Test
  void aMergePatchChangesOnlyTheFieldItNames() throws IOException {
    quickstartInResearch();
    JsonNode before = run();

    assertThat(patch("--type", "merge", "-p", "{\"spec\":{\"suspend\":true}}").stdout())
        .isEqualTo("trainingrun.ratchet.dev/cartpole-quickstart patched\n");

    JsonNode after = run();
    ObjectNode expected = before.path("spec").deepCopy();
    expected.put("suspend", true);
    assertThat(after.path("spec")).isEqualTo(expected);
    assertThat(after.path("metadata").path("generation").asInt())
        .isEqualTo(before.path("metadata").path("generation").asInt() + 1);
  }

  @Test
  void aMergePatchReplacesArraysAndDeletesNulls() throws IOException {
    quickstartInResearch();
    assertThat(run().path("spec").path("model").path("hiddenSizes").toString())
        .isEqualTo("[64,64]");

    patch(
        "--type",
        "merge",
        "-p",
        "{\"spec\":{\"model\":{\"hiddenSizes\":[32]},\"divergence\":null}}");

    JsonNode spec = run().path("spec");
    assertThat(spec.path("model").path("hiddenSizes").toString()).isEqualTo("[32]");
    assertThat(spec.has("divergence")).isFalse();
    assertThat(spec.path("model").path("architecture").asText()).isEqualTo("mlp");
  }

  @Test
  void aPatchWithoutTypeMergeIsRefusedAsARealServerRefusesIt() throws IOException {
    quickstartInResearch();
    JsonNode before = run();

    Kubectl.Result refused =
        kubectl.run("patch", "tr", RUN, "-n", "research", "-p", "{\"spec\":{\"suspend\":true}}");

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.stderr()).contains(UNKNOWN_FORMAT);
    assertThat(run()).isEqualTo(before);
  }

  @Test
  void aStatusPatchIsStoredAndShownInThePrinterColumns() throws IOException {
    quickstartInResearch();

    Kubectl.Result patched =
        patch(
            "--subresource=status",
            "--type",
            "merge",
            "-p",
            "{\"status\":{\"state\":\"Running\",\"phase\":\"train\",\"episode\":120,"
                + "\"metrics\":{\"scoreMean\":210.5,\"alphaEntropy\":0.42},"
                + "\"bestCheckpoint\":{\"scoreMean\":250},\"rollbacks\":1}}");

    assertThat(patched.stdout()).isEqualTo("trainingrun.ratchet.dev/cartpole-quickstart patched\n");
    Map<String, String> row = rows(ok("get", "tr", "-n", "research").stdout()).get(0);
    assertThat(row)
        .containsEntry("STATE", "Running")
        .containsEntry("PHASE", "train")
        .containsEntry("EPISODE", "120")
        .containsEntry("SCORE", "210.5")
        .containsEntry("ALPHAENTROPY", "0.42")
        .containsEntry("BEST", "250")
        .containsEntry("ROLLBACKS", "1");
    // a status write does not bump the generation; a write to the object leaves the status alone
    assertThat(run().path("metadata").path("generation").asInt()).isEqualTo(1);
    patch("--type", "merge", "-p", "{\"status\":{\"state\":\"Hacked\"}}");
    assertThat(run().path("status").path("state").asText()).isEqualTo("Running");
  }

  @Test
  void aServerDryRunChangesNothing() throws IOException {
    quickstartInResearch();
    JsonNode before = run();

    Kubectl.Result preview =
        patch(
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"suspend\":true}}",
            "--dry-run=server",
            "-o",
            "jsonpath={.spec.suspend}");
    Kubectl.Result deleted = ok("delete", "tr", RUN, "-n", "research", "--dry-run=server");
    Kubectl.Result created =
        ok(
            "create",
            "configmap",
            "preview",
            "-n",
            "research",
            "--from-literal=k=v",
            "--dry-run=server");

    assertThat(preview.stdout()).isEqualTo("true");
    assertThat(deleted.stdout())
        .isEqualTo("trainingrun.ratchet.dev \"cartpole-quickstart\" deleted (server dry run)\n");
    assertThat(created.stdout()).isEqualTo("configmap/preview created (server dry run)\n");
    assertThat(run()).isEqualTo(before);
    assertThat(kubectl.run("get", "configmap", "preview", "-n", "research").stderr())
        .isEqualTo("Error from server (NotFound): configmaps \"preview\" not found\n");
  }

  @Test
  void aCreatedSecretAndConfigMapAreReadable() {
    ok("create", "namespace", "research");

    // kubectl sends both bodies as protobuf
    assertThat(
            ok("create", "secret", "generic", "s", "-n", "research", "--from-literal=accessKey=a")
                .stdout())
        .isEqualTo("secret/s created\n");
    assertThat(ok("create", "configmap", "c", "-n", "research", "--from-literal=k=v").stdout())
        .isEqualTo("configmap/c created\n");

    String accessKey =
        ok("get", "secret", "s", "-n", "research", "-o", "jsonpath={.data.accessKey}").stdout();
    assertThat(new String(Base64.getDecoder().decode(accessKey), StandardCharsets.UTF_8))
        .isEqualTo("a");
    assertThat(ok("get", "configmap", "c", "-n", "research", "-o", "jsonpath={.data.k}").stdout())
        .isEqualTo("v");
    assertThat(rows(ok("get", "secret", "s", "-n", "research").stdout()).get(0))
        .containsEntry("TYPE", "Opaque")
        .containsEntry("DATA", "1");
  }

  @Test
  void creatingTwiceIsAlreadyExists() {
    ok("create", "namespace", "research");
    ok("create", "secret", "generic", "s", "-n", "research", "--from-literal=accessKey=a");

    Kubectl.Result namespaceAgain = kubectl.run("create", "namespace", "research");
    Kubectl.Result secretAgain =
        kubectl.run("create", "secret", "generic", "s", "-n", "research", "--from-literal=x=y");

    assertThat(namespaceAgain.exitCode()).isEqualTo(1);
    assertThat(namespaceAgain.stderr())
        .isEqualTo("Error from server (AlreadyExists): namespaces \"research\" already exists\n");
    assertThat(secretAgain.exitCode()).isEqualTo(1);
    assertThat(secretAgain.stderr())
        .isEqualTo("error: failed to create secret secrets \"s\" already exists\n");
  }

  @Test
  void aDeletedRunIsNotFound() throws IOException {
    quickstartInResearch();

    assertThat(ok("delete", "tr", RUN, "-n", "research").stdout())
        .isEqualTo("trainingrun.ratchet.dev \"cartpole-quickstart\" deleted\n");

    Kubectl.Result get = kubectl.run("get", "tr", RUN, "-n", "research");
    assertThat(get.exitCode()).isEqualTo(1);
    assertThat(get.stderr())
        .isEqualTo(
            "Error from server (NotFound): trainingruns.ratchet.dev \"cartpole-quickstart\" not"
                + " found\n");
  }

  @Test
  void helmInstallsListsAndUninstallsTheChart() {
    forgetHelmDiscoveryCache();

    Release installed =
        Helm.install(CHART.toString())
            .withName("ratchet")
            .withNamespace("ratchet-system")
            .createNamespace()
            .withKubeConfig(kubectl.kubeconfig())
            .call();

    assertThat(installed.getStatus()).isEqualTo("deployed");
    List<Release> listed = Helm.list().allNamespaces().withKubeConfig(kubectl.kubeconfig()).call();
    assertThat(listed)
        .extracting(Release::getName, Release::getNamespace, Release::getStatus, Release::getChart)
        .containsExactly(tuple("ratchet", "ratchet-system", "deployed", "ratchet-0.1.0"));
    assertThat(
            ok(
                    "get",
                    "crd",
                    "trainingruns.ratchet.dev",
                    "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Established\")].status}")
                .stdout())
        .isEqualTo("True");
    assertThat(
            ok("get", "serviceaccount,service,deployment", "-n", "ratchet-system", "-o", "name")
                .stdout())
        .isEqualTo("serviceaccount/ratchet\nservice/ratchet\ndeployment.apps/ratchet\n");
    assertThat(ok("get", "clusterrole,clusterrolebinding", "-o", "name").stdout())
        .isEqualTo(
            "clusterrole.rbac.authorization.k8s.io/ratchet\n"
                + "clusterrolebinding.rbac.authorization.k8s.io/ratchet\n");
    assertThat(
            ok(
                    "get",
                    "clusterrolebinding",
                    "ratchet",
                    "-o",
                    "jsonpath={.roleRef.name} {.subjects[0].kind}"
                        + " {.subjects[0].namespace}/{.subjects[0].name}")
                .stdout())
        .isEqualTo("ratchet ServiceAccount ratchet-system/ratchet");
    assertThat(
            ok(
                    "get",
                    "deployment",
                    "ratchet",
                    "-n",
                    "ratchet-system",
                    "-o",
                    "jsonpath={.spec.template.spec.serviceAccountName}"
                        + " {.spec.template.spec.containers[0].image}")
                .stdout())
        .isEqualTo("ratchet ghcr.io/ratchet-dev/ratchet-operator:0.1.0");

    String uninstalled =
        Helm.uninstall("ratchet")
            .withNamespace("ratchet-system")
            .withKubeConfig(kubectl.kubeconfig())
            .call();

    assertThat(uninstalled).contains("release \"ratchet\" uninstalled");
    assertThat(Helm.list().allNamespaces().withKubeConfig(kubectl.kubeconfig()).call()).isEmpty();
    assertThat(kubectl.run("get", "deployment", "ratchet", "-n", "ratchet-system").stderr())
        .isEqualTo("Error from server (NotFound): deployments.apps \"ratchet\" not found\n");
    assertThat(kubectl.run("get", "clusterrole", "ratchet").stderr())
        .isEqualTo(
            "Error from server (NotFound): clusterroles.rbac.authorization.k8s.io \"ratchet\" not"
                + " found\n");
    assertThat(kubectl.run("get", "serviceaccount", "ratchet", "-n", "ratchet-system").stderr())
        .isEqualTo("Error from server (NotFound): serviceaccounts \"ratchet\" not found\n");
    // the release's own record (a Secret) is gone too
    assertThat(
            ok("get", "all,secret,role,rolebinding", "-n", "ratchet-system", "-o", "name").stdout())
        .isEmpty();
    // Helm never deletes what it installed from crds/: the runs outlive the release
    assertThat(ok("get", "crd", "-o", "name").stdout())
        .isEqualTo("customresourcedefinition.apiextensions.k8s.io/trainingruns.ratchet.dev\n");
  }

  @Test
  void theMonitoringTogglesNeedThePrometheusOperatorsCrdsAsOnARealCluster() {
    forgetHelmDiscoveryCache();

    assertThatThrownBy(() -> monitoringInstall().call())
        .hasMessageContaining(
            "no matches for kind \"ServiceMonitor\" in version \"monitoring.coreos.com/v1\"");

    ok(List.of("apply", "-f", "-"), prometheusOperatorStubCrds());
    Release installed = monitoringInstall().call();

    assertThat(installed.getStatus()).isEqualTo("deployed");
    assertThat(
            ok("get", "servicemonitor,podmonitor,prometheusrule", "-n", "monitoring", "-o", "name")
                .stdout())
        .isEqualTo(
            "servicemonitor.monitoring.coreos.com/ratchet\n"
                + "podmonitor.monitoring.coreos.com/ratchet-trainers\n"
                + "prometheusrule.monitoring.coreos.com/ratchet\n");
  }

  private InstallCommand monitoringInstall() {
    return Helm.install(CHART.toString())
        .withName("ratchet")
        .withNamespace("monitoring")
        .createNamespace()
        .set("metrics.serviceMonitor.enabled", "true")
        .set("prometheusRule.enabled", "true")
        .withKubeConfig(kubectl.kubeconfig());
  }

  /** Just enough of the Prometheus Operator's CRDs for the chart's objects to be stored. */
  private static String prometheusOperatorStubCrds() {
    StringBuilder yaml = new StringBuilder();
    for (String kind : List.of("ServiceMonitor", "PodMonitor", "PrometheusRule")) {
      String singular = kind.toLowerCase(Locale.ROOT);
      yaml.append(
          String.join(
              "\n",
              "---",
              "apiVersion: apiextensions.k8s.io/v1",
              "kind: CustomResourceDefinition",
              "metadata:",
              "  name: " + singular + "s.monitoring.coreos.com",
              "spec:",
              "  group: monitoring.coreos.com",
              "  scope: Namespaced",
              "  names: {kind: "
                  + kind
                  + ", plural: "
                  + singular
                  + "s, singular: "
                  + singular
                  + "}",
              "  versions:",
              "  - name: v1",
              "    served: true",
              "    storage: true",
              "    schema:",
              "      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}",
              ""));
    }
    return yaml.toString();
  }

  /**
   * Helm runs in this JVM and caches discovery under ~/.kube/cache per host and port: an entry left
   * by an earlier server on the same port would be stale.
   */
  private void forgetHelmDiscoveryCache() {
    Path cached =
        Path.of(System.getProperty("user.home"), ".kube", "cache", "discovery")
            .resolve(server.url().replaceFirst("^http://", "").replace(':', '_'));
    if (!Files.exists(cached)) {
      return;
    }
    try (Stream<Path> files = Files.walk(cached)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void quickstartInResearch() {
    ok("apply", "-f", CRD.toString());
    ok("create", "namespace", "research");
    ok("apply", "-n", "research", "-f", QUICKSTART.toString());
  }

  private JsonNode run() throws IOException {
    return JSON.readTree(ok("get", "tr", RUN, "-n", "research", "-o", "json").stdout());
  }

  private Kubectl.Result patch(String... args) {
    List<String> all = new ArrayList<>(List.of("patch", "tr", RUN, "-n", "research"));
    all.addAll(List.of(args));
    return ok(all.toArray(String[]::new));
  }

  private Kubectl.Result ok(String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as("kubectl %s\n%s", String.join(" ", args), r).isZero();
    return r;
  }

  private Kubectl.Result ok(List<String> args, String stdin) {
    Kubectl.Result r = kubectl.runWithInput(stdin, args.toArray(String[]::new));
    assertThat(r.exitCode()).as("kubectl %s\n%s", String.join(" ", args), r).isZero();
    return r;
  }

  private static List<String> printerColumnsOfTheCrd() throws IOException {
    List<String> names = new ArrayList<>();
    YAML.readTree(CRD.toFile())
        .path("spec")
        .path("versions")
        .get(0)
        .path("additionalPrinterColumns")
        .forEach(c -> names.add(c.path("name").asText().toUpperCase(Locale.ROOT)));
    assertThat(names).isNotEmpty();
    return names;
  }

  private static JsonNode numbersNormalized(JsonNode node) {
    if (node.isNumber()) {
      return DecimalNode.valueOf(node.decimalValue().stripTrailingZeros());
    }
    if (node instanceof ObjectNode object) {
      ObjectNode copy = JSON.createObjectNode();
      object.fields().forEachRemaining(e -> copy.set(e.getKey(), numbersNormalized(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      var copy = JSON.createArrayNode();
      node.forEach(n -> copy.add(numbersNormalized(n)));
      return copy;
    }
    return node;
  }

  /** kubectl's table as rows of header to cell, cut at the header's column starts. */
  private static List<Map<String, String>> rows(String table) {
    List<String> lines = table.lines().filter(l -> !l.isBlank()).toList();
    String header = lines.get(0);
    List<String> names = List.of(header.trim().split("\\s+"));
    int[] starts = new int[names.size()];
    int from = 0;
    for (int i = 0; i < names.size(); i++) {
      starts[i] = header.indexOf(names.get(i), from);
      from = starts[i] + names.get(i).length();
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        int start = Math.min(starts[i], line.length());
        int end = i + 1 < names.size() ? Math.min(starts[i + 1], line.length()) : line.length();
        row.put(names.get(i), line.substring(start, end).trim());
      }
      rows.add(row);
    }
    return rows;
  }
}
