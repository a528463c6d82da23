"""The two moments other features hook into: a result became final, a final result withdrawn.

Receivers get the ResultNotice as sender (and `actor`, the user or None) and run inside
the service's transaction: they add their rows to the session and never commit, so what
they do is stored together with the change of state, once (the service sends each signal
once per notice).

    from core.services.notices.events import result_final
    result_final.connect(grant_rewards)   # def grant_rewards(notice, actor): ...
"""

from blinker import Namespace

_signals = Namespace()

# The notice period is over and no objection is open: the result is on the public wall.
result_final = _signals.signal("result-final")
# A final result was withdrawn (an award period unpublished): undo what `result_final` did.
result_withdrawn = _signals.signal("result-withdrawn")
