#include "analyzer/checks/non_reentrant_call.h"

#include <cstring>

#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ParentMap.h>
#include <clang/Basic/SourceManager.h>

#include "analyzer/conflicts.h"
#include "analyzer/source_location.h"

namespace baton::analyzer {

namespace {

// POSIX.1-2017 XSH 2.9.1 "functions that need not be thread-safe", then glibc's MT-Unsafe
// additions. Functions sharing a `state` clobber each other's results (ctime calls localtime).
constexpr UnsafeFunction kUnsafe[] = {
    {"strtok", "strtok", "use 'strtok_r' with a save pointer of the caller's own"},
    {"rand", "rand", "use 'rand_r' with a per-thread seed", false},
    {"srand", "rand", "seed a per-thread 'rand_r' state instead"},
    {"random", "random", "use 'random_r' with a per-thread state"},
    {"srandom", "random", "use 'srandom_r' with a per-thread state"},
    {"initstate", "random", "use 'initstate_r'"},
    {"setstate", "random", "use 'setstate_r'"},
    {"drand48", "rand48", "use 'erand48' with a per-thread state"},
    {"lrand48", "rand48", "use 'nrand48' with a per-thread state"},
    {"mrand48", "rand48", "use 'jrand48' with a per-thread state"},
    {"srand48", "rand48", "keep a per-thread state for 'erand48'"},
    {"seed48", "rand48", "keep a per-thread state for 'erand48'"},
    {"lcong48", "rand48", "keep a per-thread state for 'erand48'"},
    {"localtime", "time", "use 'localtime_r' with a 'struct tm' of the caller's own"},
    {"gmtime", "time", "use 'gmtime_r' with a 'struct tm' of the caller's own"},
    {"ctime", "time", "use 'ctime_r' with a buffer of the caller's own"},
    {"asctime", "time", "use 'asctime_r' with a buffer of the caller's own"},
    {"getdate", "getdate", "use 'getdate_r'"},
    {"strerror", "strerror", "use 'strerror_r'"},
    {"strsignal", "strsignal", "use 'sigdescr_np' or a table of your own"},
    {"getenv", "environ", "read the environment before starting threads", true},
    {"setenv", "environ", "set the environment before starting threads"},
    {"unsetenv", "environ", "change the environment before starting threads"},
    {"putenv", "environ", "change the environment before starting threads"},
    {"clearenv", "environ", "change the environment before starting threads"},
    {"setlocale", "locale", "use 'uselocale' with a per-thread locale"},
    {"localeconv", "locale", "use 'nl_langinfo_l' with a per-thread locale"},
    {"nl_langinfo", "locale", "use 'nl_langinfo_l'"},
    {"getpwnam", "passwd", "use 'getpwnam_r'"},
    {"getpwuid", "passwd", "use 'getpwuid_r'"},
    {"getpwent", "passwd", "use 'getpwent_r'"},
    {"setpwent", "passwd", "iterate with 'getpwent_r' in one thread"},
    {"endpwent", "passwd", "iterate with 'getpwent_r' in one thread"},
    {"fgetpwent", "passwd", "use 'fgetpwent_r'"},
    {"getgrnam", "group", "use 'getgrnam_r'"},
    {"getgrgid", "group", "use 'getgrgid_r'"},
    {"getgrent", "group", "use 'getgrent_r'"},
    {"setgrent", "group", "iterate with 'getgrent_r' in one thread"},
    {"endgrent", "group", "iterate with 'getgrent_r' in one thread"},
    {"fgetgrent", "group", "use 'fgetgrent_r'"},
    {"getspnam", "shadow", "use 'getspnam_r'"},
    {"getspent", "shadow", "use 'getspent_r'"},
    {"gethostbyname", "hostent", "use 'getaddrinfo'"},
    {"gethostbyname2", "hostent", "use 'getaddrinfo'"},
    {"gethostbyaddr", "hostent", "use 'getnameinfo'"},
    {"gethostent", "hostent", "use 'gethostent_r'"},
    {"getnetbyname", "netent", "use 'getnetbyname_r'"},
    {"getnetbyaddr", "netent", "use 'getnetbyaddr_r'"},
    {"getnetent", "netent", "use 'getnetent_r'"},
    {"getprotobyname", "protoent", "use 'getprotobyname_r'"},
    {"getprotobynumber", "protoent", "use 'getprotobynumber_r'"},
    {"getprotoent", "protoent", "use 'getprotoent_r'"},
    {"getservbyname", "servent", "use 'getservbyname_r'"},
    {"getservbyport", "servent", "use 'getservbyport_r'"},
    {"getservent", "servent", "use 'getservent_r'"},
    {"inet_ntoa", "inet_ntoa", "use 'inet_ntop' with a buffer of the caller's own"},
    {"getutxent", "utmpx", "use 'getutent_r'"},
    {"getutxid", "utmpx", "use 'getutid_r'"},
    {"getutxline", "utmpx", "use 'getutline_r'"},
    {"pututxline", "utmpx", "serialize access to the utmpx database"},
    {"setutxent", "utmpx", "serialize access to the utmpx database"},
    {"endutxent", "utmpx", "serialize access to the utmpx database"},
    {"getutent", "utmpx", "use 'getutent_r'"},
    {"getutid", "utmpx", "use 'getutid_r'"},
    {"getutline", "utmpx", "use 'getutline_r'"},
    {"getlogin", "getlogin", "use 'getlogin_r'"},
    {"ttyname", "ttyname", "use 'ttyname_r'"},
    {"ptsname", "ptsname", "use 'ptsname_r'"},
    {"tmpnam", "tmpnam", "use 'mkstemp'"},
    {"tempnam", "tmpnam", "use 'mkstemp'"},
    {"ctermid", "ctermid", "pass 'ctermid' a buffer of the caller's own"},
    {"crypt", "crypt", "use 'crypt_r'"},
    {"encrypt", "crypt", "use 'encrypt_r'"},
    {"setkey", "crypt", "use 'setkey_r'"},
    {"ecvt", "ecvt", "use 'ecvt_r'"},
    {"fcvt", "ecvt", "use 'fcvt_r'"},
    {"qecvt", "ecvt", "use 'qecvt_r'"},
    {"qfcvt", "ecvt", "use 'qfcvt_r'"},
    {"l64a", "l64a", "encode into a buffer of the caller's own"},
    {"lgamma", "signgam", "use 'lgamma_r'"},
    {"lgammaf", "signgam", "use 'lgammaf_r'"},
    {"lgammal", "signgam", "use 'lgammal_r'"},
    {"mblen", "mbstate", "use 'mbrlen' with a per-thread mbstate_t"},
    {"mbtowc", "mbstate", "use 'mbrtowc' with a per-thread mbstate_t"},
    {"wctomb", "mbstate", "use 'wcrtomb' with a per-thread mbstate_t"},
    {"hcreate", "hsearch", "use 'hcreate_r'"},
    {"hsearch", "hsearch", "use 'hsearch_r'"},
    {"hdestroy", "hsearch", "use 'hdestroy_r'"},
    {"dbm_open", "dbm", "serialize access to the database"},
    {"dbm_fetch", "dbm", "serialize access to the database"},
    {"dbm_store", "dbm", "serialize access to the database"},
    {"dbm_delete", "dbm", "serialize access to the database"},
    {"dbm_firstkey", "dbm", "serialize access to the database"},
    {"dbm_nextkey", "dbm", "serialize access to the database"},
    {"dbm_close", "dbm", "serialize access to the database"},
    {"dirname", "dirname", "copy the path and split it yourself"},
    {"basename", "basename", "copy the path and split it yourself"},
    {"dlerror", "dlerror", "check dlopen/dlsym results in one thread"},
    {"getopt", "getopt", "parse options before starting threads"},
    {"catgets", "catgets", "serialize access to the message catalog"},
    {"readdir", "readdir", "give each thread its own DIR stream"},
    {"ftw", "ftw", "walk the tree from one thread"},
    {"nftw", "ftw", "walk the tree from one thread"},
    {"system", "system", "use 'posix_spawn'"},
    {"getmntent", "mntent", "use 'getmntent_r'"},
    {"cuserid", "cuserid", "use 'getpwuid_r' on 'geteuid()'"},
    {"getpass", "getpass", "read the password from one thread"},
    {"wordexp", "wordexp", "expand words before starting threads"},
    {"re_comp", "re_comp", "use 'regcomp'"},
    {"re_exec", "re_comp", "use 'regexec'"},
    {"mallinfo", "mallinfo", "use 'mallinfo2' from one thread"},
};

}  // namespace

const UnsafeFunction* find_unsafe_function(const std::string& name) {
    for (const UnsafeFunction& function : kUnsafe)
        if (name == function.name) return &function;
    return nullptr;
}

}  // namespace baton::analyzer

namespace baton::analyzer {

using namespace clang;

namespace {

// The mechanical rewrites: `name(args)` becomes `replacement(args, argument)` with `buffer`
// declared once at the top of the calling function. One buffer per function keeps the old
// sharing between calls in that function, and none with other threads.
struct ReentrantForm {
    const char* name;
    const char* replacement;
    const char* c_declaration;
    const char* cxx_declaration;
    const char* argument;
};

constexpr ReentrantForm kForms[] = {
    {"strtok", "strtok_r", "char *strtok_state = NULL;", "char* strtok_state = nullptr;",
     "&strtok_state"},
    {"localtime", "localtime_r", "struct tm local_tm;", "struct tm local_tm;", "&local_tm"},
    {"gmtime", "gmtime_r", "struct tm utc_tm;", "struct tm utc_tm;", "&utc_tm"},
    {"ctime", "ctime_r", "char ctime_text[26];", "char ctime_text[26];", "ctime_text"},
    {"asctime", "asctime_r", "char asctime_text[26];", "char asctime_text[26];", "asctime_text"},
};

void calls_named(const Stmt* stmt, const std::string& name, std::vector<const CallExpr*>& out) {
    if (!stmt) return;
    if (const auto* call = dyn_cast<CallExpr>(stmt))
        if (const FunctionDecl* callee = call->getDirectCallee(); callee && callee->getName() == name)
            out.push_back(call);
    for (const Stmt* child : stmt->children()) calls_named(child, name, out);
}

bool is_null(const Expr* e, ASTContext& context) {
    return e->IgnoreParenCasts()->isNullPointerConstant(context, Expr::NPC_ValueDependentIsNull);
}

bool mentions(const Stmt* stmt, const VarDecl* var) {
    if (!stmt) return false;
    if (const auto* ref = dyn_cast<DeclRefExpr>(stmt); ref && ref->getDecl() == var) return true;
    for (const Stmt* child : stmt->children())
        if (mentions(child, var)) return true;
    return false;
}

void returns_of(const Stmt* stmt, std::vector<const ReturnStmt*>& out) {
    if (!stmt) return;
    if (const auto* ret = dyn_cast<ReturnStmt>(stmt)) out.push_back(ret);
    for (const Stmt* child : stmt->children()) returns_of(child, out);
}

// True when the value of `call` may outlive the calling function: returned, stored outside
// it, or kept in a local variable that is returned. The rewritten call's buffer is local.
bool result_may_escape(const CallExpr& call, const CompoundStmt& body) {
    ParentMap parents(const_cast<CompoundStmt*>(&body));
    const Stmt* child = &call;
    const Stmt* parent = parents.getParent(child);
    while (parent && (isa<ImplicitCastExpr>(parent) || isa<ParenExpr>(parent) || isa<CStyleCastExpr>(parent)))
        child = parent, parent = parents.getParent(parent);
    if (!parent || isa<ReturnStmt>(parent)) return true;
    const VarDecl* holder = nullptr;
    if (const auto* declaration = dyn_cast<DeclStmt>(parent)) {
        holder = declaration->isSingleDecl() ? dyn_cast<VarDecl>(declaration->getSingleDecl()) : nullptr;
        if (!holder || holder->hasGlobalStorage()) return true;
    } else if (const auto* assign = dyn_cast<BinaryOperator>(parent); assign && assign->isAssignmentOp()) {
        const auto* target = dyn_cast<DeclRefExpr>(assign->getLHS()->IgnoreParenImpCasts());
        holder = target ? dyn_cast<VarDecl>(target->getDecl()) : nullptr;
        if (!holder || holder->hasGlobalStorage()) return true;
    }
    if (!holder) return false;  // used on the spot (an argument, a dereference)
    std::vector<const ReturnStmt*> returns;
    returns_of(&body, returns);
    return std::any_of(returns.begin(), returns.end(),
                       [holder](const ReturnStmt* ret) { return mentions(ret->getRetValue(), holder); });
}

report::FixIt insertion(clang::SourceLocation at, std::string text, ASTContext& context) {
    report::SourceLocation where = to_report_location(at, context);
    return {where, where, std::move(text)};
}

}  // namespace

std::vector<FixIt> reentrant_fixits(const CallExpr& call, const FunctionDecl& within,
                                    ASTContext& context) {
    const FunctionDecl* callee = call.getDirectCallee();
    const auto* body = dyn_cast_or_null<CompoundStmt>(within.getBody());
    const auto* name_ref = dyn_cast<DeclRefExpr>(call.getCallee()->IgnoreParenImpCasts());
    if (!callee || !body || !name_ref || name_ref->getLocation().isMacroID() ||
        call.getRParenLoc().isMacroID() || body->body_empty())
        return {};
    const ReentrantForm* form = nullptr;
    for (const ReentrantForm& candidate : kForms)
        if (callee->getName() == candidate.name) form = &candidate;
    if (!form) return {};
    std::vector<const CallExpr*> siblings;
    calls_named(body, form->name, siblings);
    if (std::string(form->name) == "strtok") {
        // strtok(NULL, ...) continues a scan begun elsewhere: only rewrite a function that
        // starts its own scans, or the state would not carry over.
        bool starts_here = std::any_of(siblings.begin(), siblings.end(), [&](const CallExpr* c) {
            return c->getNumArgs() > 0 && !is_null(c->getArg(0), context);
        });
        if (!starts_here) return {};
    } else if (result_may_escape(call, *body)) {
        return {};  // the buffer declared in this function would not outlive the result
    }
    std::vector<FixIt> fixes;
    report::SourceLocation name_begin = to_report_location(name_ref->getLocation(), context);
    report::SourceLocation name_end = name_begin;
    name_end.column += static_cast<int>(std::strlen(form->name));
    fixes.push_back({name_begin, name_end, form->replacement});
    fixes.push_back(insertion(call.getRParenLoc(), std::string(", ") + form->argument, context));
    if (!siblings.empty() && siblings.front() == &call) {
        bool cxx = context.getLangOpts().CPlusPlus;
        unsigned column = context.getSourceManager().getExpansionColumnNumber(
            body->body_front()->getBeginLoc());
        std::string text = "\n" + std::string(column > 0 ? column - 1 : 4, ' ') +
                           (cxx ? form->cxx_declaration : form->c_declaration);
        fixes.push_back(insertion(body->getLBracLoc().getLocWithOffset(1), text, context));
    }
    return fixes;
}

void NonReentrantCallCheck::run(const Program& program, const ThreadModel& threads,
                                std::vector<report::Finding>& findings) const {
    struct Site {
        const Function* function;
        const Call* call;
        const UnsafeFunction* unsafe;
    };
    std::vector<Site> sites;
    for (const auto& [usr, function] : program.functions)
        for (const Call& call : function.calls)
            if (const UnsafeFunction* unsafe = call.system ? find_unsafe_function(call.callee_name) : nullptr)
                sites.push_back({&function, &call, unsafe});
    std::stable_sort(sites.begin(), sites.end(),
                     [](const Site& a, const Site& b) { return before(a.call->where, b.call->where); });
    for (const Site& site : sites) {
        for (const Site& other : sites) {
            if (std::strcmp(site.unsafe->state, other.unsafe->state) != 0) continue;
            if (site.unsafe->reader && other.unsafe->reader) continue;
            auto together = threads.parallel({site.function->usr, site.call->offset},
                                             {other.function->usr, other.call->offset});
            if (!together || share_a_lock(threads.effective(site.function->usr, site.call->held),
                                          threads.effective(other.function->usr, other.call->held)))
                continue;
            report::Finding finding;
            finding.kind = id();
            finding.location = site.call->where;
            finding.message = "'" + site.call->callee_name +
                              "' is not thread-safe and is called from code that runs in more than "
                              "one thread; " + site.unsafe->advice;
            finding.fixits = site.call->fixits;
            if (other.call != site.call)
                finding.notes.push_back({"'" + other.call->callee_name +
                                             "' uses the same hidden state here, in another thread",
                                         other.call->where});
            add_thread_notes(threads, *together, finding);
            findings.push_back(std::move(finding));
            break;
        }
    }
}

}  // namespace baton::analyzer
