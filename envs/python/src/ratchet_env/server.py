"""The gRPC server of Ratchet's environment protocol (ratchet.env.v1.Environment).

The three methods are registered through grpc's generic handler, as the Java client writes its
method descriptors by hand: one generated module (the messages) is all either side needs.
"""

from __future__ import annotations

import sys
import threading
import traceback
from concurrent import futures
from typing import Any, Callable, Optional

import grpc

from ratchet_env._proto import env_pb2
from ratchet_env.vec import ProtocolError, SuccessRule, VecEnvironment, unsupported

PROTOCOL_VERSION = 1
SERVICE = "ratchet.env.v1.Environment"


class EnvironmentService:
    """Answers the protocol's calls from one VecEnvironment (the training copies, and the groups it
    holds); calls are served one at a time."""

    def __init__(self, vec: VecEnvironment) -> None:
        self.vec = vec
        # One trainer drives the copies; the lock keeps a stray second client from interleaving.
        self._lock = threading.Lock()

    def describe(self, request: env_pb2.DescribeRequest, context: grpc.ServicerContext):
        if request.protocol_version != PROTOCOL_VERSION:
            context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"this environment server speaks protocol version {PROTOCOL_VERSION}, "
                f"the client asked for {request.protocol_version}",
            )
        response = self.vec.describe()
        response.protocol_version = PROTOCOL_VERSION
        return response

    def reset(self, request: env_pb2.ResetRequest, context: grpc.ServicerContext):
        with self._lock:
            seeds = list(request.seeds)
            obs = self._call(
                context, "reset", lambda: self.vec.group(request.group, len(seeds)).reset(seeds)
            )
            return env_pb2.ResetResponse(observations=obs.astype("<f4", copy=False).tobytes())

    def step(self, request: env_pb2.StepRequest, context: grpc.ServicerContext):
        with self._lock:
            obs, rewards, terminated, truncated, ended = self._call(
                context, "step", lambda: self.vec.group(request.group).step(request.actions)
            )
            response = env_pb2.StepResponse(
                observations=obs.astype("<f4", copy=False).tobytes(),
                rewards=rewards.tolist(),
                terminated=terminated,
                truncated=truncated,
            )
            for e in ended:
                end = response.episodes.add(
                    env=e.env, score=e.score, length=e.length, total_reward=e.total_reward
                )
                if e.success is not None:
                    end.success = e.success
            return response

    @staticmethod
    def _call(context: grpc.ServicerContext, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ProtocolError as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
        except Exception as e:  # the environment's own failure, whatever its type
            raise_internal(context, what, e)


def raise_internal(context: grpc.ServicerContext, what: str, e: BaseException) -> None:
    """Aborts the call with the environment's exception in one line; the traceback goes to stderr."""
    traceback.print_exc(file=sys.stderr)
    context.abort(grpc.StatusCode.INTERNAL, f"the environment raised in {what}: {type(e).__name__}: {e}")


def handler(service: EnvironmentService) -> grpc.GenericRpcHandler:
    """The service's generic handler: the three unary methods of env.proto."""

    def unary(fn, request_type, response_type):
        return grpc.unary_unary_rpc_method_handler(
            fn,
            request_deserializer=request_type.FromString,
            response_serializer=response_type.SerializeToString,
        )

    return grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "Describe": unary(service.describe, env_pb2.DescribeRequest, env_pb2.DescribeResponse),
            "Reset": unary(service.reset, env_pb2.ResetRequest, env_pb2.ResetResponse),
            "Step": unary(service.step, env_pb2.StepRequest, env_pb2.StepResponse),
        },
    )


def start(
    make_env: Callable[[], Any],
    num_envs: int = 8,
    port: int = 50051,
    host: str = "127.0.0.1",
    success: SuccessRule = "info",
    name: str = "",
) -> tuple[grpc.Server, int, VecEnvironment]:
    """Makes the copies and starts serving them; returns the server, its port and the copies.

    ``port`` 0 takes a free port (the returned one).
    """
    vec = VecEnvironment(make_env, num_envs, success=success, name=name)
    why = unsupported(vec.observation_space, vec.action_space)
    if why:
        # Served all the same: the trainer refuses it with this reason in its own status line.
        print(f"ratchet-env-serve: WARNING: the trainer cannot train {vec.name}: {why}", file=sys.stderr)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((handler(EnvironmentService(vec)),))
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"cannot listen on {host}:{port} (in use?)")
    server.start()
    return server, bound, vec


def serve(
    make_env: Callable[[], Any],
    num_envs: int = 8,
    port: int = 50051,
    host: str = "127.0.0.1",
    success: SuccessRule = "info",
    name: str = "",
    ready: Optional[Callable[[int], None]] = None,
) -> None:
    """Serves ``num_envs`` copies of ``make_env()`` until the process is stopped.

    ``make_env`` builds one copy: a ``gymnasium.Env`` or any object with ``reset(seed=...)``,
    ``step(action)``, ``observation_space`` and ``action_space``. ``success`` says when an episode
    reached the goal (see :data:`ratchet_env.vec.SuccessRule`).
    """
    server, bound, vec = start(make_env, num_envs, port, host, success, name)
    print(
        f"ratchet-env-serve: serving {vec.num_envs} copies of {vec.name} on {host}:{bound} "
        f"(protocol v{PROTOCOL_VERSION})",
        file=sys.stderr,
        flush=True,
    )
    if ready is not None:
        ready(bound)
    try:
        server.wait_for_termination()
    finally:
        server.stop(grace=None)
        vec.close()
