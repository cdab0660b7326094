"""The one Piccolo app: every table, migrations in the top-level migrations/ folder."""

from piccolo.conf.apps import AppConfig

from server.accounts.tables import (
    Account,
    AuthSession,
    CoordinatorArea,
    DevicePin,
    JoinToken,
    LoginAttempt,
)
from server.activities.tables import Activity, ActivitySeat, ActivitySignup
from server.areas.tables import Area, Team
from server.attachments.tables import EntryAttachment
from server.attendance.tables import AttendanceChange, CheckinKey
from server.audit.tables import AuditLog
from server.catalogues.tables import CatalogueItem
from server.conflicts.tables import HouseholdFlag
from server.entries.kinds.check_in import CheckIn
from server.entries.kinds.check_out import CheckOut
from server.entries.kinds.household_patch import HouseholdPatch
from server.entries.kinds.medicine_delivery import MedicineDelivery, MedicineDeliveryItem
from server.entries.kinds.notice_read import NoticeRead
from server.entries.kinds.purchase import Purchase
from server.entries.kinds.supply_handout import SupplyHandout, SupplyHandoutItem
from server.entries.kinds.training_count import TrainingCount, TrainingTrainee
from server.entries.kinds.visit import Visit
from server.entries.kinds.visit_tally import LastVisit, TallyMonth, VisitTally
from server.entries.tables import Entry, EntryReceipt
from server.exports.tables import ExportJob
from server.followups.tables import FollowUp, FollowUpNote
from server.households.tables import Household, HouseholdVersion, Member
from server.notices.tables import Notice, NoticeRecipient
from server.notify.tables import Notification, PushSubscription, SmsMessage, SmsOptIn
from server.pairings.tables import Pairing
from server.rosters.tables import RosterRecord, RosterUpload
from server.settings import ROOT
from server.sync.tables import Device, SyncChange, SyncCounter
from server.system.tables import SystemValue

APP_CONFIG = AppConfig(
    app_name="doorstep",
    migrations_folder_path=str(ROOT / "migrations"),
    table_classes=[
        SystemValue,
        Area,
        Team,
        Account,
        CoordinatorArea,
        AuthSession,
        LoginAttempt,
        Household,
        Member,
        Pairing,
        Entry,
        EntryReceipt,
        Visit,
        Device,
        AuditLog,
        HouseholdVersion,
        HouseholdFlag,
        SyncCounter,
        SyncChange,
        JoinToken,
        DevicePin,
        RosterUpload,
        RosterRecord,
        Activity,
        ActivitySignup,
        ActivitySeat,
        FollowUp,
        FollowUpNote,
        EntryAttachment,
        CheckinKey,
        CheckIn,
        CheckOut,
        AttendanceChange,
        TrainingCount,
        TrainingTrainee,
        Notice,
        NoticeRecipient,
        NoticeRead,
        PushSubscription,
        Notification,
        SmsOptIn,
        SmsMessage,
        CatalogueItem,
        MedicineDelivery,
        MedicineDeliveryItem,
        SupplyHandout,
        SupplyHandoutItem,
        Purchase,
        ExportJob,
        HouseholdPatch,
        VisitTally,
        LastVisit,
        TallyMonth,
    ],
    migration_dependencies=[],
    commands=[],
)
