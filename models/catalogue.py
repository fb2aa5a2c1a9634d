"""The province catalogue (认定类型目录): pathways, their sub-types, units, levels, evidence, rule text and annual cap,
as versions per province, drafted and published like the diagrams. The content is one JSON document per version
(see webapp/catalogue.py for its shape); a claim keeps the version it started with (claim.catalogue_version_id)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow
from .workflow import DRAFT


class CatalogueVersion(db.Model):
    __tablename__ = 'catalogue_version'
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    comment: Mapped[Optional[str]] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))
    published_at: Mapped[Optional[datetime]] = mapped_column()

    __table_args__ = (UniqueConstraint('province_id', 'version', name='uq_catalogue_version_province_id_version'),
                      Index('ix_catalogue_version_province_status', 'province_id', 'status', 'version'))

    def __repr__(self):
        return f'<CatalogueVersion {self.province_id} v{self.version} {self.status}>'
