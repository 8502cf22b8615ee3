"""The frozen app's entry point: the same ``main`` as ``duty-desk`` and ``python -m duty_desk``."""

from duty_desk.__main__ import main

if __name__ == "__main__":
    main()
