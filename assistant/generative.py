"""Answers from any OpenAI-compatible chat endpoint, grounded in numbered passages."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable

from assistant.citations import check_citations
from assistant.records import Answer, Passage, final_answer
from assistant.settings import Settings
from prompts import load_prompt

log = logging.getLogger(__name__)


def fence(text: str) -> str:
    """Passage text cannot close its own quote block or the passages section."""
    return text.replace('"""', '"').replace("</passages>", "").replace("<passages>", "")


def format_passages(passages: Sequence[Passage], language: str) -> str:
    template = load_prompt("passage", language)
    return "\n\n".join(
        template.format(n=n, headline=fence(p.headline), source=fence(p.source), date=p.date[:10], text=fence(p.text))
        for n, p in enumerate(passages, start=1)
    )


class OpenAIAnswerer:
    """Grounded generation; an unreachable or slow endpoint falls back to ``fallback``."""

    name = "openai"

    def __init__(self, settings: Settings, fallback: object) -> None:
        from langchain_openai import ChatOpenAI

        if not settings.llm_base_url or not settings.llm_model:
            raise ValueError("answerer 'openai' needs AKHBAR_LLM_BASE_URL and AKHBAR_LLM_MODEL")
        self.llm = ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
            timeout=settings.llm_timeout,
            max_retries=0,
            temperature=0,
            max_tokens=settings.llm_max_tokens,  # type: ignore[call-arg]
        )
        self.fallback = fallback

    def chain(self, language: str) -> Runnable:
        prompt = ChatPromptTemplate.from_messages(
            [("system", load_prompt("system", language)), ("human", load_prompt("user", language))]
        )
        return prompt | self.llm | StrOutputParser()

    def stream(self, question: str, language: str, passages: Sequence[Passage]) -> Iterator[str | Answer]:
        """Text deltas as they arrive, then the checked ``Answer``."""
        if not passages:
            yield self.fallback.answer(question, language, passages)  # type: ignore[attr-defined]
            return
        inputs = {"question": question, "passages": format_passages(passages, language)}
        pieces: list[str] = []
        try:
            for delta in self.chain(language).stream(inputs):
                pieces.append(delta)
                yield delta
        except Exception as exc:  # connection refused, timeout, HTTP error: answer anyway
            log.warning("LLM at %s failed (%s); falling back to extractive", self.llm.openai_api_base, exc)
            yield self.fallback.answer(question, language, passages)  # type: ignore[attr-defined]
            return
        yield self.finish("".join(pieces), question, language, passages)

    def answer(self, question: str, language: str, passages: Sequence[Passage]) -> Answer:
        return final_answer(self.stream(question, language, passages))

    def finish(self, text: str, question: str, language: str, passages: Sequence[Passage]) -> Answer:
        checked = check_citations(text, passages)
        # A refusal is an answer that opens with the no-answer sentence; a model that merely
        # echoes its instructions (which quote that sentence) has not refused.
        refused = checked.text.startswith(load_prompt("no_answer", language).rstrip("."))
        return Answer(
            text=checked.text,
            language=language,
            citations=[] if refused else checked.citations,
            passages=list(passages),
            answered=not refused,
            question=question,
            answerer=self.name,
            unsupported_sentences=[] if refused else checked.unsupported_sentences,
        )
