-- Fleet-wide "which hosts / which packages have an update" questions (dashboards, the gethomepage
-- widget, Prometheus) probe only the outdated rows: one in several of host_packages.
CREATE INDEX host_packages_outdated_by_host ON host_packages (host_id, is_security_update) WHERE needs_update;
CREATE INDEX host_packages_outdated_by_package ON host_packages (package_id, is_security_update) WHERE needs_update;
