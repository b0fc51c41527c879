package dev.ratchet.trainer.env.remote;

import com.google.protobuf.Message;
import dev.ratchet.trainer.env.remote.v1.DescribeRequest;
import dev.ratchet.trainer.env.remote.v1.DescribeResponse;
import dev.ratchet.trainer.env.remote.v1.ResetRequest;
import dev.ratchet.trainer.env.remote.v1.ResetResponse;
import dev.ratchet.trainer.env.remote.v1.StepRequest;
import dev.ratchet.trainer.env.remote.v1.StepResponse;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/**
 * The three unary methods of {@code ratchet.env.v1.Environment} (src/main/proto), written by hand:
 * Maven Central does not serve the gRPC code generator's Linux binary, and these descriptors are
 * all that a client needs of it (protoc still generates the messages).
 */
public final class EnvironmentMethods {

  /** The service's full name, as in env.proto. */
  public static final String SERVICE = "ratchet.env.v1.Environment";

  /** The protocol version this client speaks. */
  public static final int PROTOCOL_VERSION = 1;

  public static final MethodDescriptor<DescribeRequest, DescribeResponse> DESCRIBE =
      unary(
          "Describe", DescribeRequest.getDefaultInstance(), DescribeResponse.getDefaultInstance());

  public static final MethodDescriptor<ResetRequest, ResetResponse> RESET =
      unary("Reset", ResetRequest.getDefaultInstance(), ResetResponse.getDefaultInstance());

  public static final MethodDescriptor<StepRequest, StepResponse> STEP =
      unary("Step", StepRequest.getDefaultInstance(), StepResponse.getDefaultInstance());

  private EnvironmentMethods() {}

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(
      String name, Q request, R response) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }
}
