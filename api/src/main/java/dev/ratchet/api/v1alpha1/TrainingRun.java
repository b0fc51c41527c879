package dev.ratchet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A long reinforcement-learning training run that Ratchet supervises from start to finish. */
@Group(TrainingRun.GROUP)
@Version(TrainingRun.VERSION)
@Kind(TrainingRun.KIND)
@Plural("trainingruns")
@Singular("trainingrun")
@ShortNames("tr")
@AdditionalPrinterColumn(
    name = "State",
    jsonPath = ".status.state",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Episode",
    jsonPath = ".status.episode",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Score",
    jsonPath = ".status.metrics.scoreMean",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "AlphaEntropy",
    jsonPath = ".status.metrics.alphaEntropy",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Best",
    jsonPath = ".status.bestCheckpoint.scoreMean",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Rollbacks",
    jsonPath = ".status.rollbacks",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class TrainingRun extends CustomResource<TrainingRunSpec, TrainingRunStatus>
    implements Namespaced {

  public static final String GROUP = "ratchet.dev";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "TrainingRun";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String CRD_NAME = "trainingruns." + GROUP;
}
