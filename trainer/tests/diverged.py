"""What the tests break a backward pass with (imported by the tests, and by the sitecustomize
hooks of their launched processes)."""

import torch


class _InfiniteGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * float("inf")


def infinite_gradient(loss: torch.Tensor) -> torch.Tensor:
    """`loss` as it is, its gradient infinite: a backward that diverged under a finite loss."""
    return _InfiniteGradient.apply(loss)
