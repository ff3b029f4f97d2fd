from app.instrument import Barrier, Thread


def main() -> None:
    meeting = Barrier(2, name="meeting")  # BUG: three threads, but a barrier for two

    def runner() -> None:
        meeting.wait()  # the first two meet and go; the third waits for a partner
        print("through")

    threads = [Thread(target=runner, name=f"R{i + 1}") for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal, Mode  # noqa: E402
from app.scenarios.registry import Scenario  # noqa: E402

ABOUT = Scenario(
    id="barrier-three",
    module=__name__,
    title="Challenge: three threads, a barrier for two",
    group="Challenges",
    concept="a Barrier's parties must match the threads that wait",
    summary="Three runners wait on Barrier(2). Which one is left behind, and why does the "
    "whole program hang?",
    explanation=(
        "A Barrier(2) opens each time two threads have arrived. With three runners, two "
        "pass together and the third waits for a partner who never comes. main joins it, "
        "so main waits forever too.\n\n"
        "Which runner is left behind depends on the schedule; that one is left behind "
        "does not."
    ),
    look_for=(
        "Two runners reach meeting and both pass.",
        "The third blocks on meeting; main blocks joining it: deadlocked.",
    ),
    talking_point="What happens when fewer threads than parties reach a Barrier?",
    modes=(Mode.CONTROLLED,),
    goals=(Goal.DEADLOCK,),
    fixed_by="barrier",
)
