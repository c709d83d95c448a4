"""Short names of customer files (issue 18): list, add, remove and learn them, each followed by re-indexing the
file's documents so a search for the short name finds them at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.customer_files import check_record
from access.models import User
from records.customer_aliases import AliasInfo, aliases_of, learn_aliases, set_alias
from records.customer_files import document_ids_of, get_customer
from records.models import Customer
from search import SearchEngine
from workflows.indexing import index_documents


def customer_aliases(session: Session, *, customer_id: int) -> list[AliasInfo]:
    """A file's aliases in use (learned and staff's)."""
    get_customer(session, customer_id)
    return aliases_of(session, customer_id)


def change_customer_alias(
    session: Session,
    index: SearchEngine,
    *,
    customer_id: int,
    alias: str,
    present: bool,
    actor: User,
    client: str = "",
) -> AliasInfo:
    """Add (present) or remove an alias: those who may edit the file (its owner, its department's manager, a
    manager); audited; the file's documents re-indexed."""
    customer = get_customer(session, customer_id)
    check_record(session, customer=customer, actor=actor, action="customer.alias", client=client)
    changed = set_alias(
        session,
        customer=customer,
        alias=alias,
        present=present,
        actor=actor.login,
        role=actor.role_label,
        client=client,
    )
    index_documents(session, index, document_ids_of(session, customer_id))
    return changed


def learn_all_aliases(session: Session, index: SearchEngine) -> dict[int, list[str]]:
    """Every file learns the aliases its name gives (files opened before aliases existed); returns the new
    ones by file, whose documents are re-indexed."""
    learned = {}
    for customer in session.scalars(select(Customer).order_by(Customer.id)):
        if new := learn_aliases(session, customer):
            learned[customer.id] = new
    ids = [d for customer_id in learned for d in document_ids_of(session, customer_id)]
    if ids:
        index_documents(session, index, ids)
    return learned
