package dev.ratchet.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.ratchet.api.trainer.MetricNames;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chart lints, renders with every toggle, and what it renders an API server accepts. */
@EnableKubernetesMockClient(crud = true)
class HelmChartTest {

  static final Path CHART = Path.of("ratchet");
  static final String NAMESPACE = "ratchet";

  static KubernetesClient client;

  static String render(UnaryOperator<TemplateCommand> values) {
    return values
        .apply(
            new Helm(CHART)
                .template()
                .withName("ratchet")
                .withNamespace(NAMESPACE)
                .withKubeVersion("1.30.0"))
        .call();
  }

  List<HasMetadata> parse(String manifests) {
    return client
        .load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)))
        .items();
  }

  @Test
  void lintPasses() {
    LintResult result = new Helm(CHART).lint().strict().call();

    assertThat(result.isFailed()).as("lint: %s", result.getMessages()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "defaults",
        "watchNamespaces",
        "metrics.serviceMonitor.enabled",
        "prometheusRule.enabled",
        "grafana.dashboards.enabled",
        "minio.enabled"
      })
  void rendersAndTheApiServerAcceptsIt(String toggle) {
    String manifests =
        render(
            t ->
                switch (toggle) {
                  case "defaults" -> t;
                  case "watchNamespaces" ->
                      t.set("watchNamespaces[0]", "research").set("watchNamespaces[1]", "team-b");
                  case "minio.enabled" ->
                      t.set(toggle, true).set("minio.rootPassword", "a-test-password");
                  default -> t.set(toggle, true);
                });
    List<HasMetadata> objects = parse(manifests);

    assertThat(objects).isNotEmpty();
    for (HasMetadata object : objects) {
      String namespace =
          object.getMetadata().getNamespace() == null
              ? NAMESPACE
              : object.getMetadata().getNamespace();
      if (object instanceof GenericKubernetesResource generic) {
        // Prometheus Operator kinds: the mock server stores them under their plural.
        client
            .genericKubernetesResources(
                new ResourceDefinitionContext.Builder()
                    .withGroup(generic.getApiVersion().split("/")[0])
                    .withVersion(generic.getApiVersion().split("/")[1])
                    .withKind(generic.getKind())
                    .withPlural(generic.getKind().toLowerCase() + "s")
                    .withNamespaced(true)
                    .build())
            .inNamespace(namespace)
            .resource(generic)
            .createOr(existing -> existing.update());
      } else {
        client.resource(object).inNamespace(namespace).createOr(existing -> existing.update());
      }
    }
    Set<String> kinds = objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
    assertThat(kinds).contains("Deployment", "ServiceAccount", "Service");
    switch (toggle) {
      case "defaults" -> assertThat(kinds).contains("ClusterRole").doesNotContain("PrometheusRule");
      case "watchNamespaces" -> {
        assertThat(kinds).doesNotContain("ClusterRole");
        assertThat(objects)
            .filteredOn(
                o -> o instanceof Role && !o.getMetadata().getName().endsWith("leader-election"))
            .extracting(o -> o.getMetadata().getNamespace())
            .containsExactlyInAnyOrder("research", "team-b");
        assertThat(deploymentEnv(objects))
            .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "research,team-b");
      }
      case "metrics.serviceMonitor.enabled" ->
          assertThat(kinds).contains("ServiceMonitor", "PodMonitor");
      case "prometheusRule.enabled" -> assertThat(kinds).contains("PrometheusRule");
      case "grafana.dashboards.enabled" ->
          assertThat(objects)
              .filteredOn(o -> o.getKind().equals("ConfigMap"))
              .hasSize(2)
              .allSatisfy(
                  o ->
                      assertThat(o.getMetadata().getLabels())
                          .containsEntry("grafana_dashboard", "1"));
      case "minio.enabled" -> {
        assertThat(kinds).contains("PersistentVolumeClaim", "Secret");
        assertThat(deploymentEnv(objects))
            .containsEntry("RATCHET_STORAGE_ENDPOINT", "http://ratchet-minio.ratchet.svc:9000");
      }
      default -> throw new IllegalArgumentException(toggle);
    }
  }

  @Test
  void operatorRunsNonRootWithReadOnlyRootAndProbes() {
    Deployment deployment =
        parse(render(t -> t)).stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(container.getImage()).isEqualTo("ghcr.io/ratchet-dev/ratchet-operator:0.1.0");
  }

  @Test
  void chartCrdIsTheCommittedCrd() throws Exception {
    Path committed = Path.of("..", "crds", "trainingruns.ratchet.dev-v1.yml");
    Path inChart = CHART.resolve("crds").resolve("trainingruns.ratchet.dev-v1.yml");

    assertThat(Files.mismatch(committed, inChart))
        .as("helm/ratchet/crds must be a copy of crds/: cp %s %s", committed, inChart)
        .isEqualTo(-1L);
  }

  @Test
  void rbacIsExactlyWhatTheOperatorDeclares() throws Exception {
    Path generated = Path.of("..", "operator", "target", "kubernetes", "kubernetes.yml");
    assertThat(generated).as("build the operator first (./mvnw -pl operator -am package)").exists();
    List<HasMetadata> operatorManifests = parse(Files.readString(generated));
    Set<String> declared =
        triples(
            operatorManifests.stream()
                .filter(ClusterRole.class::isInstance)
                .flatMap(r -> ((ClusterRole) r).getRules().stream())
                .toList());

    List<HasMetadata> chart = parse(render(t -> t));
    List<PolicyRule> chartRules = new ArrayList<>();
    chart.stream()
        .filter(ClusterRole.class::isInstance)
        .forEach(r -> chartRules.addAll(((ClusterRole) r).getRules()));
    chart.stream()
        .filter(Role.class::isInstance)
        .forEach(r -> chartRules.addAll(((Role) r).getRules()));

    assertThat(triples(chartRules)).isEqualTo(declared);
  }

  @Test
  void invalidValuesFailWithTheFieldNamed(@TempDir Path dir) throws Exception {
    Map<String, String> cases =
        Map.of(
            "pollInterval: ten seconds\n", "pollInterval",
            "image:\n  repository: x\n  pullPolicy: Sometimes\n", "pullPolicy",
            "minio:\n  enabled: true\n  rootPassword: short\n", "rootPassword",
            "watchNamespace: [research]\n", "watchNamespace");
    for (Map.Entry<String, String> entry : cases.entrySet()) {
      Path values = dir.resolve("values-" + entry.getValue() + ".yaml");
      Files.writeString(values, entry.getKey());

      assertThatThrownBy(() -> render(t -> t.withValuesFile(values)))
          .as("values %s", entry.getKey())
          .hasMessageContaining("values don't meet the specifications of the schema")
          .hasMessageContaining(entry.getValue());
    }
  }

  @Test
  void dashboardsAndAlertsUseOnlyKnownSeriesAndCoverTheTrainerSignals() throws Exception {
    String dashboards =
        Files.readString(CHART.resolve("dashboards/training-run.json"))
            + Files.readString(CHART.resolve("dashboards/fleet.json"));
    String alerts = Files.readString(CHART.resolve("rules/ratchet-alerts.yaml"));
    Set<String> known = new TreeSet<>();
    for (Field field : MetricNames.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers())
          && ((String) field.get(null)).startsWith("ratchet_")) {
        known.add((String) field.get(null));
      }
    }
    Set<String> used = new TreeSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("ratchet_[a-z_]+").matcher(dashboards + alerts);
    while (m.find()) {
      used.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
    }
    assertThat(known).containsAll(used);
    assertThat(used)
        .contains(
            MetricNames.SCORE_MEAN,
            MetricNames.EPISODE_SCORE,
            MetricNames.ALPHA_ENTROPY,
            MetricNames.EXPERT_USAGE_RATIO,
            MetricNames.ROLLBACKS_TOTAL,
            MetricNames.TRAININGRUN_INFO);
  }

  private static Map<String, String> deploymentEnv(List<HasMetadata> objects) {
    Deployment deployment =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .filter(d -> d.getMetadata().getName().equals("ratchet"))
            .findFirst()
            .orElseThrow();
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));
  }

  private static Set<String> triples(List<PolicyRule> rules) {
    Set<String> triples = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            triples.add(group + "/" + resource + ":" + verb);
          }
        }
      }
    }
    return triples;
  }
}
