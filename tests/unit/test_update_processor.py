import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from bot.adapters.telegram.updates import ChatOrderedProcessor


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(id=chat_id, type=Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime(2026, 1, 1, tzinfo=UTC), chat))


async def test_one_chats_updates_run_in_order_while_other_chats_go_ahead() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=8)
    events: list[str] = []
    release_first = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        events.append(f"{name} start")
        if wait is not None:
            await wait.wait()
        events.append(f"{name} end")

    first = asyncio.create_task(processor.process_update(update_in(1, 1), handle("a1", release_first)))
    second = asyncio.create_task(processor.process_update(update_in(1, 2), handle("a2")))
    other = asyncio.create_task(processor.process_update(update_in(2, 3), handle("b1")))
    await other
    assert events == ["a1 start", "b1 start", "b1 end"]

    release_first.set()
    await asyncio.gather(first, second)

    assert events[3:] == ["a1 end", "a2 start", "a2 end"]


async def test_a_chat_leaves_no_trace_once_its_updates_are_done() -> None:
    processor = ChatOrderedProcessor()

    async def nothing() -> None:
        return None

    await asyncio.gather(*(processor.process_update(update_in(7, n), nothing()) for n in range(3)))
    await processor.process_update(object(), nothing())

    assert processor.chats_in_flight == 0
