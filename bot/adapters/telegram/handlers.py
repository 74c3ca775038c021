"""Telegram handlers: parse the update, call one service, render the reply."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import (
    ChatMemberUpdated,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.adapters.presenter import HTML, Presenter
from bot.adapters.telegram import messages
from bot.adapters.telegram.push import question_buttons
from bot.adapters.texts import language_for
from bot.services import Services
from bot.services.context import ChatUser
from bot.services.drill import ChatRef
from bot.services.results import (
    AlreadyAnswered,
    AnswerGraded,
    HintGiven,
    NoMoreHints,
    NothingPending,
    QuizStarted,
    Skipped,
    StaleQuestion,
    UnknownUser,
)

PLATFORM = "telegram"
SERVICES_KEY = "services"
_COMMAND_PREFIX = re.compile(r"^/\w+(?:@\w+)?\s?")

logger = logging.getLogger(__name__)


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]


def _presenter(update: Update) -> Presenter:
    user = update.effective_user
    return Presenter(language_for(user.language_code if user else None), HTML)


def _chat_user(update: Update) -> ChatUser:
    user = update.effective_user
    return ChatUser(PLATFORM, str(user.id), user.full_name, user.language_code or "")


def _chat(update: Update) -> ChatRef:
    return ChatRef(PLATFORM, str(update.effective_chat.id))


def _in_group(update: Update) -> bool:
    return update.effective_chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def _command_argument(message: Message) -> str:
    """The text after the command, newlines kept, which `context.args` would lose."""
    return _COMMAND_PREFIX.sub("", message.text or "", count=1).strip()


async def reply(message: Message, text: str, **kwargs: object) -> Message:
    """Send text in as many parts as Telegram needs; markup goes on the last part."""
    parts = messages.split_message(text)
    markup = kwargs.pop("reply_markup", None)
    sent = message
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent = await message.reply_text(part, reply_markup=markup if last else None, **kwargs)
    return sent


# --- drill ------------------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user and explain the commands."""
    presenter = _presenter(update)
    name = update.effective_user.first_name if update.effective_user else ""
    await reply(update.effective_message, f"{presenter.t('welcome', name=name)}\n\n{presenter.t('help')}")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands."""
    await reply(update.effective_message, _presenter(update).t("help"))


async def quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask the next question, optionally from the topic after the command."""
    await ask_question(update, context, _command_argument(update.effective_message) or None)


async def ask_question(update: Update, context: ContextTypes.DEFAULT_TYPE, topic: str | None) -> None:
    """Choose a question and send it: with Hint/Skip buttons in private, with ForceReply in groups."""
    services = _services(context)
    presenter = _presenter(update)
    message = update.effective_message
    result = await services.drill.start_quiz(_chat(update), _chat_user(update), topic)
    if not isinstance(result, QuizStarted):
        await reply(message, presenter.no_question(result))
        return
    in_group = _in_group(update)
    text = presenter.question(result.question, in_group=in_group)
    if in_group:
        markup = ForceReply(selective=True, input_field_placeholder=result.question.topic[:64])
    else:
        markup = question_buttons(presenter, result.question.id)
    sent = await reply(message, text, reply_markup=markup)
    if in_group:
        # Only a group answers by replying, so only there must the question's message be known.
        await services.drill.attach_message(result.pending_id, str(sent.message_id))


def _next_button(presenter: Presenter) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(presenter.t("button_next"), callback_data=messages.NEXT_DATA)]]
    )


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Grade a plain-text answer: in private the next message, in groups a reply to the question."""
    services = _services(context)
    presenter = _presenter(update)
    message = update.effective_message
    if _in_group(update):
        # Privacy mode shows the bot only replies to its own messages; the replied message names the question.
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return
        result = await services.drill.submit_reply(
            _chat(update), _chat_user(update), str(replied.message_id), message.text or ""
        )
    else:
        # In private the open question is unambiguous, whichever message the user replies to.
        result = await services.drill.submit_answer(_chat(update), _chat_user(update), message.text or "")
    if isinstance(result, AnswerGraded):
        await reply(message, presenter.feedback(result), reply_markup=_next_button(presenter))
    elif isinstance(result, AlreadyAnswered):
        await reply(message, presenter.t("already_answered"))
    elif isinstance(result, StaleQuestion):
        await reply(message, presenter.t("stale"))
    else:
        await reply(message, presenter.t("nothing_pending"))


async def hint(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reveal a key point of the pending question."""
    result = await _services(context).drill.hint(_chat(update), _chat_user(update))
    await reply(update.effective_message, _render_hint(_presenter(update), result))


def _render_hint(presenter: Presenter, result: object) -> str:
    if isinstance(result, HintGiven | NoMoreHints):
        return presenter.hint(result)
    return presenter.t("stale" if isinstance(result, StaleQuestion) else "nothing_pending")


async def skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Give up the pending question and show its reference answer."""
    presenter = _presenter(update)
    result = await _services(context).drill.skip(_chat(update), _chat_user(update))
    if isinstance(result, Skipped):
        await reply(update.effective_message, presenter.skipped(result), reply_markup=_next_button(presenter))
    else:
        await reply(update.effective_message, presenter.t("nothing_pending"))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle Hint, Skip, Next and topic buttons; a button of a closed question changes nothing."""
    query = update.callback_query
    presenter = _presenter(update)
    callback = messages.parse_callback(query.data)
    if callback is None:
        await query.answer(presenter.t("stale_button"))
        return
    services = _services(context)
    if callback.action in ("hint", "skip"):
        action = services.drill.hint if callback.action == "hint" else services.drill.skip
        result = await action(_chat(update), _chat_user(update), callback.question_id)
        if isinstance(result, StaleQuestion | NothingPending):
            await query.answer(presenter.t("stale_button"))
            return
        await query.answer()
        if isinstance(result, Skipped):
            await reply(query.message, presenter.skipped(result), reply_markup=_next_button(presenter))
        else:
            await reply(query.message, _render_hint(presenter, result))
        return
    await query.answer()
    topic = None
    if callback.action == "topic":
        topic = next(
            (
                name
                for name, _count in await services.bank.topics()
                if messages.topic_token(name) == callback.topic_token
            ),
            None,
        )
    await ask_question(update, context, topic)


# --- progress ---------------------------------------------------------------------------------------


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the progress summary and its chart."""
    from bot.adapters.telegram.charts import render_progress_chart

    presenter = _presenter(update)
    user = update.effective_user
    result = await _services(context).stats.stats(PLATFORM, str(user.id))
    if isinstance(result, UnknownUser):
        await reply(update.effective_message, presenter.t("stats_unknown"))
        return
    await reply(update.effective_message, presenter.stats(result))
    chart = await asyncio.to_thread(
        render_progress_chart,
        [(item.topic, item.mastery) for item in result.topics],
        result.activity,
        result.today,
        mastery_title=presenter.t("chart_mastery_title"),
        activity_title=presenter.t("chart_activity_title", weeks=12),
        mastery_axis=presenter.t("chart_mastery_axis"),
        no_data=presenter.t("chart_no_data"),
        weekday_labels=tuple(presenter.t("chart_weekdays").split()),
    )
    await update.effective_message.reply_photo(chart)


async def weak(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the weakest topics with a button to practise each."""
    presenter = _presenter(update)
    topics = await _services(context).stats.weak_topics(PLATFORM, str(update.effective_user.id))
    markup = None
    if topics:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        presenter.t("button_quiz_topic", topic=item.topic)[:64],
                        callback_data=messages.topic_data(item.topic),
                    )
                ]
                for item in topics
            ]
        )
    await reply(update.effective_message, presenter.weak(topics), reply_markup=markup)


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List every topic with its size."""
    await reply(update.effective_message, _presenter(update).topics(await _services(context).bank.topics()))


async def daily(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show or change the chat's daily question; in groups only administrators may change it."""
    argument = _command_argument(update.effective_message)
    in_group = _in_group(update)
    may_manage = in_group and bool(argument) and await _is_chat_admin(update, context)
    result = await _services(context).daily.daily(
        _chat(update), _chat_user(update), in_group, argument, may_manage
    )
    await reply(update.effective_message, _presenter(update).daily(result))


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the user's time zone, or the group's when a group administrator asks."""
    argument = _command_argument(update.effective_message)
    in_group = _in_group(update)
    may_manage = in_group and await _is_chat_admin(update, context)
    result = await _services(context).daily.set_timezone(
        _chat(update), _chat_user(update), in_group, argument, may_manage
    )
    await reply(update.effective_message, _presenter(update).daily(result, timezone_command=True))


async def _is_chat_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    member = await context.bot.get_chat_member(update.effective_chat.id, update.effective_user.id)
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


# --- admin ------------------------------------------------------------------------------------------


async def add_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add a question from the /addq text; admins only."""
    argument = _command_argument(update.effective_message)
    result = await _services(context).bank.add_question(_chat_user(update), argument)
    await reply(update.effective_message, _presenter(update).bank_change(result))


async def deactivate_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deactivate a question by id; admins only."""
    argument = _command_argument(update.effective_message)
    result = await _services(context).bank.deactivate_question(_chat_user(update), argument)
    await reply(update.effective_message, _presenter(update).bank_change(result))


# --- membership and errors --------------------------------------------------------------------------


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep the blocked flag in step with the user (un)blocking the bot; stop pushes to chats it left."""
    change: ChatMemberUpdated = update.my_chat_member
    gone = change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
    services = _services(context)
    if change.chat.type == ChatType.PRIVATE:
        await services.accounts.set_blocked(PLATFORM, str(change.from_user.id), gone)
    if gone:
        await services.daily.stop(ChatRef(PLATFORM, str(change.chat.id)))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure without secrets and apologise to the user; a blocked user is only marked."""
    error = context.error
    if isinstance(update, Update) and isinstance(error, Forbidden) and update.effective_user:
        await _services(context).accounts.set_blocked(PLATFORM, str(update.effective_user.id), True)
        logger.info("user %s blocked the bot", update.effective_user.id)
        return
    logger.error("update failed", exc_info=error)
    if isinstance(update, Update) and update.effective_message:
        try:
            await update.effective_message.reply_text(_presenter(update).t("error"))
        except Exception:  # the apology is best effort; the failure is already logged
            logger.warning("could not send the apology", exc_info=True)
