"""digitpad: draw a digit, see what a CNN reads, retrain it on your own machine.

``Predictor`` and ``Prediction`` are imported lazily so that ``import digitpad`` (and the GUI's
first window) does not wait for torch.
"""

__version__ = "0.1.0"
__all__ = ["Predictor", "Prediction", "__version__"]


def __getattr__(name):
    if name in ("Predictor", "Prediction"):
        from .core import predictor

        return getattr(predictor, name)
    raise AttributeError(f"module 'digitpad' has no attribute {name!r}")
