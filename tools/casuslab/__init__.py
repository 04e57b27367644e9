"""casuslab: case scenarios for professional ethics, secrecy and need analysis.

Keep this module free of imports: the student runtime (``casuslab.student``)
must load with only the standard library and ipywidgets.
"""

__version__ = "0.1.0"
